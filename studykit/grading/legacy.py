"""The old phrase matcher (issue 11 replaced it): used, strictly, only for key points without claims.

Each key point is matched through its text and aliases in BOTH languages. A candidate phrase matches
when, after normalisation (NFKC full-width -> half-width, case, spaces):
- it occurs verbatim in the answer (short formulas such as ``B=0`` or ``α/r``);
- enough of its content words (jieba segmentation for Chinese, a word tokenizer for English, fuzzy
  for inflections) or Chinese character pairs occur in the answer; or
- rapidfuzz's partial ratio finds it almost verbatim (typos).
"""

from __future__ import annotations

import logging
import math
import re
from functools import lru_cache
from typing import TYPE_CHECKING

import jieba  # type: ignore[import-untyped]  # ships no type information
from rapidfuzz import fuzz, process

from studykit.grading.clauses import MAX_ANALYSED_CHARS
from studykit.text_fold import CJK_RUN, fold_spaces

if TYPE_CHECKING:
    from studykit.schema import KeyPoint

jieba.setLogLevel(logging.WARNING)

TOKEN_SHARE = 0.6  # share of a candidate's content units that must appear in the answer
PARTIAL_MIN = 85.0  # rapidfuzz partial_ratio for a near-verbatim match
WORD_FUZZ_MIN = 85.0  # fuzzy equality of two English words ("initialised" ~ "initialized")

_CJK_RUN = CJK_RUN
_WORD = re.compile(r"[a-z0-9α-ωδΔ√]+(?:[-'.][a-z0-9]+)*", re.IGNORECASE)
_STOP_EN_WORDS = (
    "a an the of to in on for is are be been being with and or by as at it its this that these those "
    "from into than then we you they so which what when how can will would should does do"
)
_STOP_EN = frozenset(_STOP_EN_WORDS.split())
_STOP_ZH_WORDS = (
    "的 了 是 在 和 与 及 把 将 为 被 对 时 中 也 就 都 而 并 或 这 那 其 之 会 使 让 用 个 一个 可以 "
    "我们 它 要 有 就是 通过 进行 以 等"
)
_STOP_ZH = frozenset(_STOP_ZH_WORDS.split())


@lru_cache(maxsize=1024)
def normalize(text: str) -> str:
    """NFKC (full-width -> ASCII), lower case, unified spaces."""
    return fold_spaces(text)


@lru_cache(maxsize=1024)
def compact(text: str) -> str:
    """`normalize` without any whitespace, for formula-like matching (``B = 0`` == ``b=0``)."""
    return re.sub(r"\s+", "", normalize(text))


@lru_cache(maxsize=4096)
def content_tokens(text: str) -> tuple[str, ...]:
    """Content words: jieba tokens of the normalised text, minus punctuation and stop words."""
    out = []
    for token in jieba.lcut(normalize(text)):
        token = token.strip()
        if not token or token in _STOP_ZH or token in _STOP_EN:
            continue
        if _CJK_RUN.fullmatch(token) or _WORD.fullmatch(token):
            out.append(_stem(token))
    return tuple(out)


@lru_cache(maxsize=1024)
def _surface_forms(text: str) -> dict[str, str]:
    """Stem -> the word as written in `text` (to show evidence in the learner's own words)."""
    return {_stem(tok.strip()): tok.strip() for tok in jieba.lcut(normalize(text)) if tok.strip()}


def _stem(word: str) -> str:
    """A tiny English suffix stripper, enough for plural / -ed / -ing variants."""
    if not word.isascii() or len(word) <= 4:
        return word
    for suffix in ("ization", "isation", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=1024)
def _cjk_units(text: str) -> frozenset[str]:
    """Character pairs of each Chinese run (a lone character counts as itself)."""
    units: set[str] = set()
    for run in _CJK_RUN.findall(normalize(text)):
        chars = [c for c in run if c not in _STOP_ZH] or list(run)
        run = "".join(chars)
        units.update({run} if len(run) == 1 else {run[i : i + 2] for i in range(len(run) - 1)})
    return frozenset(units)


def _needed(n: int) -> int:
    return max(1, math.ceil(TOKEN_SHARE * n - 1e-9))


def match_candidate(candidate: str, answer: str) -> tuple[float, str]:
    """Score (0..1) and evidence of one key-point phrase against the answer text."""
    cand_c, ans_c = compact(candidate), compact(answer)
    if not cand_c or not ans_c:
        return 0.0, ""
    if _verbatim(cand_c, ans_c):
        return 1.0, candidate.strip()
    best, evidence = 0.0, ""
    # 1. content words, fuzzy for longer English words
    cand_tokens = set(content_tokens(candidate))
    ans_tokens = set(content_tokens(answer))
    if cand_tokens:
        hits = [tok for tok in cand_tokens if _token_in(tok, ans_tokens)]
        # weighted by length, so two one-character hits do not carry a four-character phrase
        share = sum(len(h) for h in hits) / sum(len(tok) for tok in cand_tokens)
        if len(hits) >= _needed(len(cand_tokens)) and share > best:
            surface = _surface_forms(answer)
            best, evidence = share, "、".join(sorted(surface.get(h, h) for h in hits))
    # 2. Chinese character pairs (robust to segmentation differences)
    cand_units = _cjk_units(candidate)
    if cand_units:
        ascii_tokens = {t for t in cand_tokens if t.isascii()}
        ans_units = _cjk_units(answer)
        unit_hits = [u for u in cand_units if u in ans_units]
        word_hits = [t for t in ascii_tokens if _token_in(t, ans_tokens)]
        total = len(cand_units) + len(ascii_tokens)
        found = len(unit_hits) + len(word_hits)
        share = found / total
        if found >= _needed(total) and share > best:
            best, evidence = share, "、".join(sorted(unit_hits + word_hits))
    # 3. near-verbatim (typos), only for phrases no longer than the answer
    if len(cand_c) >= 4 and len(cand_c) <= len(ans_c):
        norm_answer = normalize(answer)
        align = fuzz.partial_ratio_alignment(normalize(candidate), norm_answer)
        if align is not None and align.score >= PARTIAL_MIN and align.score / 100 > best:
            best = align.score / 100
            evidence = norm_answer[align.dest_start : align.dest_end]
    return best, evidence


def _verbatim(cand_c: str, ans_c: str) -> bool:
    """Whether the compacted candidate occurs in the compacted answer.

    A Latin-only candidate must not be glued to other letters or digits: "r" must not match "rank",
    "BA" must not match "base", "4GB" must not match "14GB". Chinese has no word boundaries, so
    candidates with any non-Latin character keep plain substring matching.
    """
    if not re.fullmatch(r"[\x00-\x7f]+", cand_c):
        return cand_c in ans_c
    edge_l = r"(?<![a-z0-9])" if cand_c[0].isalnum() else ""
    edge_r = r"(?![a-z0-9])" if cand_c[-1].isalnum() else ""
    return re.search(edge_l + re.escape(cand_c) + edge_r, ans_c) is not None


def _token_in(token: str, pool: set[str]) -> bool:
    if token in pool:
        return True
    if token.isascii() and len(token) >= 5 and pool:
        found = process.extractOne(token, pool, scorer=fuzz.ratio, score_cutoff=WORD_FUZZ_MIN)
        return found is not None
    return False


def candidates(point: KeyPoint) -> list[str]:
    """Every phrasing of a key point: its text and aliases in both languages."""
    items = [point.text.zh, point.text.en, *point.aliases.zh, *point.aliases.en]
    return [item for item in items if item and item.strip()]


STRICT_SHARE = (
    0.8  # a key point without claims needs most of a multi-word phrasing, not one topic word
)


def strict_point_score(point: KeyPoint, answer: str) -> tuple[float, str]:
    """The old phrase matcher, made strict for key points that have no claims yet.

    Only the point's own text and aliases of at least two content units count (a one-word topic alias such
    as "激活" or "scaling" no longer covers a point), and the share needed is higher than before.
    """
    answer = answer[:MAX_ANALYSED_CHARS]  # the same cap as the claim grader: cost stays bounded
    best, evidence = 0.0, ""
    for phrase in candidates(point):
        units = len(content_tokens(phrase)) + len(_cjk_units(phrase))
        if units < 2 and not re.search(r"[=/^√≪]", phrase):
            continue
        score, found = match_candidate(phrase, answer)
        if score > best:
            best, evidence = score, found
    return (best, evidence) if best >= STRICT_SHARE else (best, "")
