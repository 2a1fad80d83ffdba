"""Negation scope in one clause: which cues (不, not, without …) reach which spotted concept."""

from __future__ import annotations

import re
from dataclasses import dataclass

from studykit.grading.lexicon import Lexicon
from studykit.text_fold import CJK_CHAR

_CJK = CJK_CHAR

# Negation cues, and look-alikes that are not negations (matched first, so their 不/no is consumed).
_NOT_NEGATION = (
    "不仅", "不只", "不但", "不同", "不断", "不少", "不错", "不久", "非常", "无论", "不管", "并非只", "不光",
    "不论", "不得不", "没错", "区别", "分别", "特别", "类别", "识别", "级别", "差别", "个别", "辨别", "判别",
    "别的", "告别", "除非", "无损", "未来", "无穷", "无限", "是否", "能否", "可否",
    "not only", "not just", "no matter", "whether or not", "nothing but", "no longer than", "not least",
)  # fmt: skip
_NEGATION = (
    "并不", "不会", "不是", "不能", "不必", "无需", "无须", "不需要", "不用", "没有", "并没有", "无法", "未", "非",
    "没", "无", "不", "别", "勿",
    "not", "no", "never", "without", "neither", "nor", "cannot", "none", "rather than", "instead of",
    "n't", "non-", "un-", "doesnt", "dont", "isnt", "arent", "wont", "cant",
)  # fmt: skip
_CUE_RE = re.compile(
    "|".join(
        f"(?P<{group}{i}>{_cue_pattern})"
        for group, cues in (("keep", _NOT_NEGATION), ("neg", _NEGATION))
        for i, _cue_pattern in enumerate(
            (re.escape(c) if _CJK.search(c) or c == "n't" else rf"\b{re.escape(c)}(?:\b|(?<=-))")
            for c in sorted(cues, key=len, reverse=True)
        )
    ),
    re.IGNORECASE,
)
# quotation marks; a straight single quote only where it cannot be an apostrophe ('attention first' vs Adam's)
QUOTED = re.compile(
    r"“[^”]*”|\"[^\"]*\"|「[^」]*」|『[^』]*』|‘[^’]*’|《[^》]*》|(?<![A-Za-z0-9])'[^'\n]+'(?![A-Za-z0-9])"
)
_SHORT_CUES = frozenset("不没无未非")
# adverbs that open a new verb phrase after a negated one ("不合并也是零延迟", "没冻结就会更新"); not 都
# ("不是所有层都冻结" still negates)
_SCOPE_END = re.compile(r"[也就却]")
CJK_WINDOW = 8  # a cue negates a predicate up to ~8 CJK characters / ~5 words after it
WORD_WINDOW = 5
ENTITY_GAP_WORDS = (
    2  # ...but an entity only when it directly follows ("not A", "not the B matrix", 不是 A)
)
ENTITY_GAP_CJK = 2


# "not only X" (不只是输入侧, 不仅在输入层, not just the input) says X is not the whole story: the word for "only"
# inside it is denied, though the phrase negates nothing else.
_NOT_ONLY = re.compile(
    r"不仅仅|不仅|不只|不光|不单|并非只|并不只|(?<![A-Za-z])not (?:only|just|merely|solely)(?![A-Za-z])",
    re.IGNORECASE,
)
# A thing denied by what follows it: '"facebook/esmTokenizer" doesn't exist', 'X 这个仓库并不存在'. Up to two words
# (or four CJK characters) may sit between the thing and the denial ("the X repo does not exist").
_DENIED_AFTER = re.compile(
    r"[\s\"'”’」』》)）]*(?:(?:[A-Za-z_]+\s+){0,2}?(?:does not|doesn't|doesnt|do not|don't|did not|didn't|never)"
    r"\s+exists?(?![A-Za-z])|(?:is not|isn't|is no longer) (?:real|a real \w+)(?![A-Za-z])"
    r"|[\u4e00-\u9fff]{0,4}?(?:并|根本|其实)?不存在)",
    re.IGNORECASE,
)


def in_not_only(text: str, start: int) -> bool:
    """Whether position `start` is the "only" of a "not only" phrase."""
    return any(
        m.start() < start < m.end()
        for m in _NOT_ONLY.finditer(text, max(0, start - 12), start + 12)
    )


def denied_after(text: str, end: int, limit: int | None = None) -> bool:
    """Whether the thing ending at `end` is said not to exist ("X doesn't exist", X 不存在)."""
    return _DENIED_AFTER.match(text, end, len(text) if limit is None else limit) is not None


@dataclass(frozen=True)
class Occurrence:
    concept: str
    start: int
    end: int
    negated: bool
    entity: bool


def _a_not_a(text: str, pos: int) -> bool:
    """A-不-A / A-没-A questions ask, they do not deny: 是不是, 有没有, 能不能, 会不会, 需不需要, 可不可以."""
    if not (0 < pos < len(text) - 1) or text[pos] not in "不没":
        return False
    before, after = text[pos - 1], text[pos + 1]
    return before == after and bool(_CJK.match(before))


def cue_spans(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Negation cues in `text` outside the spans of matched forms (a cue inside 不更新 is part of the form)."""
    covered = [False] * (len(text) + 1)  # which characters belong to a matched form
    for s, e in taken:
        for i in range(s, min(e, len(text))):
            covered[i] = True
    spans = []
    for match in _CUE_RE.finditer(text):
        if not (match.lastgroup or "").startswith("neg") or _a_not_a(text, match.start()):
            continue
        if any(covered[match.start() : match.end()]):
            # a form that starts inside the cue ("不需要 all-gather" with the form 需要): its first character
            # still negates what follows
            if match.group()[0] in _SHORT_CUES and not covered[match.start()]:
                spans.append((match.start(), match.start() + 1))
            continue
        spans.append((match.start(), match.end()))
    return spans


def _gap(text: str) -> tuple[int, int]:
    """(CJK characters, Latin words/numbers) in a stretch of text."""
    return len(_CJK.findall(text)), len(re.findall(r"[A-Za-z0-9α-ωΔ√]+", text))


def is_negated(
    text: str,
    start: int,
    cues: list[tuple[int, int]],
    entity: bool,
    spans: list[tuple[int, int]] = (),  # type: ignore[assignment]
    entity_at: dict[int, bool] | None = None,
) -> bool:
    """Whether the nearest cue before `start` (in this clause) reaches it.

    A predicate is negated by a cue up to ~8 CJK characters / ~5 words before it, even across other
    concepts ("not initialised to zero": zero is negated). An entity only when the cue directly precedes it
    with nothing but other entities between ("not A", 不是 B矩阵, "no A or B"; in "non-zero B" only zero)."""
    entity_at = entity_at or {}
    before = [c for c in cues if c[1] <= start]
    if not before:
        return False
    cue_end = before[-1][1]
    gap_text = text[cue_end:start]
    if gap_text.count("(") + gap_text.count("（") > gap_text.count(")") + gap_text.count("）"):
        return False  # "not effective (perplexity stays well above …)": an aside in brackets is not negated
    if ":" in gap_text or "：" in gap_text:
        return False  # "代码跑不了：model.predict 不存在": a label's cue stays in the label
    if text[before[-1][0] : cue_end] == "非" and "的" in gap_text:
        return False  # "对非 -100 的 token 取平均": 非 is a prefix of the attribute before 的, not of the verb
    if not entity and _SCOPE_END.search(gap_text):
        return False  # "不合并也是零延迟": 也/就/却 open a new verb phrase the cue does not reach
    cjk, words = _gap(text[cue_end:start])
    if entity:
        between = [(s, e) for s, e in spans if cue_end <= s and e <= start]
        if any(not entity_at.get(s, False) for s, _ in between):
            return False  # a predicate sits between: "not initialised ... B" does not negate B
        gap = text[cue_end:start]
        for s, e in sorted(
            between, reverse=True
        ):  # "没有 [CLS]/[SEP]", "no A or B": a list of entities
            gap = gap[: s - cue_end] + " " + gap[e - cue_end :]
        cjk, words = _gap(gap)
        return cjk <= ENTITY_GAP_CJK and words <= ENTITY_GAP_WORDS + len(between)
    return cjk / CJK_WINDOW + words / WORD_WINDOW <= 1.0


def resolve_negation(
    text: str, found: list[tuple[str, int, int]], lexicon: Lexicon
) -> list[Occurrence]:
    spans = [(s, e) for _, s, e in found]
    entity_at = {s: lexicon.is_entity(cid) for cid, s, _ in found}
    cues = cue_spans(text, spans)
    quotes = [(m.start(), m.end()) for m in QUOTED.finditer(text)] if cues else []
    out = []
    for cid, start, end in found:
        entity = lexicon.is_entity(cid)
        # a cue inside quotation marks stays there: 'the loss of "不相似" is twice …' does not negate twice
        # (one outside still reaches in: 'B is not "random"')
        home = next(((s, e) for s, e in quotes if s <= start < e), None)
        own = [c for c in cues if next(((s, e) for s, e in quotes if s <= c[0] < e), home) == home]
        negated = (
            is_negated(text, start, own, entity, spans, entity_at)
            or in_not_only(text, start)
            or denied_after(text, end)
        )
        out.append(Occurrence(cid, start, end, negated, entity))
    return out
