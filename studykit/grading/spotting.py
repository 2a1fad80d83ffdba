"""Find concepts in one normalised clause: longest form first, single letters case-sensitive, negation scope.

A `Spotter` is compiled once per lexicon (cached). Forms are indexed by their first character(s), so spotting
costs one dict lookup per position plus a few anchored regex matches, whatever the size of the lexicon.
Rules (documented for authors in questions/README.md, "Claims"):
- at each position the longest matching form wins; a match consumes its text (a cue inside a matched form,
  as in 不更新 or "no extra latency", is not a separate negation);
- a single Latin letter (A, B, W, r) matches case-sensitively and only standalone (glued to CJK is fine);
  a capital "A" that opens a clause followed by an ordinary lower-case word is the English article;
- Latin words match on word boundaries with inflections (-s -es -ed -ing -ly, -ise/-ize), `word*` is a prefix;
- CJK forms match as substrings, spaces optional; formulas compare compacted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from studykit.grading.lexicon import Lexicon
from studykit.grading.normalise import normalise
from studykit.grading.numbers import Number, NumericForm, find_numbers, parse_numeric_form
from studykit.text_fold import CJK_CHAR

FORMULA_CHARS = frozenset("/*()^=+√≪≤≥∈")
_LATIN = re.compile(r"[A-Za-z]")
_CJK = CJK_CHAR
_WORDCHAR = "A-Za-z0-9_"
_LEFT_EDGE = rf"(?<![{_WORDCHAR}])(?<!\d\.)"
_RIGHT_EDGE = rf"(?![{_WORDCHAR}])(?!\.\d)"
_INDEX = r"(?:_(?:[ijkn]|\d)(?![A-Za-z0-9_]))?"  # a one-character subscript after a single letter
# words after a clause-initial capital "A" that make it the matrix, not the article ("A is", "A and B")
_MATRIX_A_NEXT = frozenset(
    [
        "is",
        "was",
        "has",
        "gets",
        "got",
        "stays",
        "starts",
        "remains",
        "uses",
        "must",
        "should",
        "can",
        "will",
        "would",
        "are",
        "and",
        "or",
        "matrix",
        "alone",
        "itself",
        "only",
        "too",
        "also",
        "then",
        "receives",
        "takes",
        "holds",
        "becomes",
        "maps",
        "projects",
        "multiplies",
        "gets's",
        "initialised",  # "A initialised randomly" (but "A random init is common" is the article)
        "initialized",
    ]
)

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
TYPO_MIN_LETTERS = 7  # shorter words are too close to each other ("larger"/"longer") to guess
_LATIN_WORD = re.compile(r"[A-Za-z]+(?![A-Za-z0-9_])")
CJK_WINDOW = 8  # a cue negates a predicate up to ~8 CJK characters / ~5 words after it
WORD_WINDOW = 5
ENTITY_GAP_WORDS = (
    2  # ...but an entity only when it directly follows ("not A", "not the B matrix", 不是 A)
)
ENTITY_GAP_CJK = 2


@dataclass(frozen=True)
class Occurrence:
    concept: str
    start: int
    end: int
    negated: bool
    entity: bool


def _inflect(word_pattern: str, last_word: str) -> str:
    """Allow -s/-es/-ed/-ing/-ly endings on the last Latin word of a form."""
    if len(last_word) < 3 or not last_word.isalpha():
        return word_pattern
    if last_word.endswith("e"):
        return (
            word_pattern[:-1] + "(?:e|es|ed|ing|ely|e?ment)?"
            if word_pattern.endswith("e")
            else word_pattern
        )
    if last_word.endswith("y"):
        return word_pattern[:-1] + "(?:y|ies|ied|ying|ily)"
    double = re.escape(last_word[-1]) if last_word[-1] not in "aeiouwxy" else ""
    extra = f"|{double}ing|{double}ed" if double else ""
    return word_pattern + f"(?:s|es|ed|ing|ly{extra})?"


def form_pattern(form: str) -> str | None:
    """The regex (no capturing groups) for one surface form, or None for a numeric `=` form."""
    text = normalise(form)
    if not text or text.startswith("="):
        return None
    if len(text) == 1 and _LATIN.fullmatch(text):
        # an indexed copy is the same thing: B_i, A_1 (the i-th adapter's matrices)
        return f"(?-i:{_LEFT_EDGE}{re.escape(text)}{_INDEX}{_RIGHT_EDGE})"
    prefix = text.endswith("*") and len(text) > 1 and _LATIN.fullmatch(text[-2]) is not None
    if prefix:
        text = text[:-1]
    formula = bool(FORMULA_CHARS & set(text))
    parts: list[str] = []
    for i, ch in enumerate(text):
        prev_ch, next_ch = text[i - 1] if i else "", text[i + 1] if i + 1 < len(text) else ""
        if ch == " ":
            latin_both = (
                prev_ch.isascii() and prev_ch.isalnum() and next_ch.isascii() and next_ch.isalnum()
            )
            parts.append(r"[\s_-]+" if latin_both else r"\s*")
            continue
        if ch == "-" and prev_ch.isalpha() and next_ch.isalpha():
            parts.append(r"[\s-]?")
            continue
        parts.append(re.escape(ch))
        spaced = formula or _CJK.match(ch) or _CJK.match(next_ch or " ")
        if spaced and next_ch and next_ch != " ":
            parts.append(r"\s*")
    pattern = "".join(parts)
    if not formula:  # -ise / -ize spellings (initialise, quantize, optimiser)
        pattern = re.sub(r"(?<=[a-z])i[sz](?=e|a|$)", "i[sz]", pattern)
    if prefix:
        pattern += r"[A-Za-z]*"
    elif not formula and _LATIN.fullmatch(text[-1]):
        last_word = re.split(r"[^A-Za-z]", text)[-1]
        pattern = _inflect(pattern, last_word)
    left = _LEFT_EDGE if text[0].isascii() and text[0].isalnum() else ""
    right = _RIGHT_EDGE if text[-1].isascii() and (text[-1].isalnum() or prefix) else ""
    return f"{left}{pattern}{right}"


def _index_key(text: str, pos: int) -> str:
    """The lookup key of a position: two lower-cased Latin letters, else the character itself (lower)."""
    ch = text[pos]
    if ch.isascii() and ch.isalpha():
        nxt = text[pos + 1] if pos + 1 < len(text) else ""
        return (ch + nxt).lower() if nxt.isascii() and nxt.isalpha() else ch.lower()
    return ch.lower()


def _form_keys(form: str) -> set[str]:
    """Index keys a form can start with (both for case and for the i[sz] / optional-space variants)."""
    text = normalise(form).rstrip("*")
    if not text:
        return set()
    return {_index_key(text, 0)}


@dataclass
class Spotter:
    """All forms of a lexicon, indexed for leftmost-longest matching."""

    lexicon: Lexicon
    index: dict[str, list[tuple[str, str]]]  # key -> (form, concept id), longest form first
    numeric: list[tuple[NumericForm, str]]
    typos: dict[
        str, str
    ]  # one-deletion variant of a long one-word form -> concept id (unambiguous only)

    def spot(self, text: str, sentence_start: bool = True) -> list[Occurrence]:
        """Concept occurrences in one normalised clause, leftmost then longest, negation resolved."""
        found: list[tuple[str, int, int]] = []
        pos, n = 0, len(text)
        while pos < n:
            best_end, best_cids = -1, []
            for form, cid in self.index.get(_index_key(text, pos), ()):
                pattern = compiled_form(form)  # compiled on first use: most forms never occur
                match = pattern.match(text, pos) if pattern else None
                if match and match.end() > pos:
                    if match.end() > best_end:
                        best_end, best_cids = match.end(), [cid]
                    elif match.end() == best_end and cid not in best_cids:
                        best_cids.append(cid)  # one form of two concepts ("unchanged"): both occur
            if best_end < 0 and self.typos:
                best_end, typo_cid = self._typo(text, pos)
                best_cids = [typo_cid] if typo_cid else []
            article = sentence_start and _is_article(text, pos, best_end)
            if best_end > 0 and not article:
                found.extend((cid, pos, best_end) for cid in best_cids)
                pos = best_end
            else:
                pos += 1
        if self.numeric:
            found.extend(self._numbers(text, found))
            found.sort(key=lambda item: item[1])
        return resolve_negation(text, found, self.lexicon)

    def _typo(self, text: str, pos: int) -> tuple[int, str]:
        """A long Latin word one typo away from a one-word form ("paramters", "gradiants", "wieghts")."""
        if pos and (text[pos - 1].isascii() and (text[pos - 1].isalnum() or text[pos - 1] == "_")):
            return -1, ""
        match = _LATIN_WORD.match(text, pos)
        if not match or len(match.group()) < TYPO_MIN_LETTERS:
            return -1, ""
        word = match.group().lower()
        for variant in (word, *_deletions(word)):
            cid = self.typos.get(variant)
            if cid is not None:
                return match.end(), cid
        return -1, ""

    def _numbers(self, text: str, taken: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
        out: list[tuple[str, int, int]] = []
        for number in find_numbers(text):
            if any(s < number.end and number.start < e for _, s, e in taken):
                continue
            out.extend(
                (cid, number.start, number.end)
                for form, cid in self.numeric
                if form.accepts(number)
            )
        return out


def _is_article(text: str, start: int, end: int) -> bool:
    """A sentence-initial "A" followed by an ordinary noun phrase is the article ("A low-rank update is …"),
    not matrix A ("A is random", "A random, B zero", "A and B")."""
    if text[start:end] != "A" or text[:start].strip(" \"'“‘(-*•0123456789.)"):
        return False
    follow = re.match(r" ([A-Za-z][A-Za-z'-]+)[ ]+([A-Za-z0-9][A-Za-z0-9'-]*)", text[end:])
    if not follow:
        return False
    first, second = follow.groups()
    return first not in _MATRIX_A_NEXT and second not in ("and", "or", "while", "but", "whereas")


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
        negated = is_negated(text, start, own, entity, spans, entity_at)
        out.append(Occurrence(cid, start, end, negated, entity))
    return out


_SPOTTERS: dict[int, tuple[Lexicon, Spotter]] = {}


def spotter_for(lexicon: Lexicon) -> Spotter:
    """The compiled spotter of a lexicon (cached by identity: each bank file's lexicon is built once)."""
    cached = _SPOTTERS.get(id(lexicon))
    if cached and cached[0] is lexicon:
        return cached[1]
    spotter = _compile(lexicon)
    if len(_SPOTTERS) > 64:
        _SPOTTERS.clear()
    _SPOTTERS[id(lexicon)] = (lexicon, spotter)
    return spotter


def _compile(lexicon: Lexicon) -> Spotter:
    index: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    numeric: list[tuple[NumericForm, str]] = []
    for cid, concept in lexicon.concepts.items():
        for form in concept.forms:
            numeric_form = parse_numeric_form(form) if form.strip().startswith("=") else None
            if numeric_form:
                numeric.append((numeric_form, cid))
                continue
            if not normalise(form) or normalise(form).startswith("="):
                continue
            for key in _form_keys(form):
                index[key].append((len(normalise(form)), form, cid))
    ordered = {
        key: [(form, cid) for _, form, cid in sorted(dict.fromkeys(items), key=lambda x: -x[0])]
        for key, items in index.items()
    }
    return Spotter(lexicon, ordered, numeric, _typo_table(lexicon))


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(1, len(word))}  # the first letter is kept


def _typo_table(lexicon: Lexicon) -> dict[str, str]:
    """Deletion variants of every one-word Latin form of at least TYPO_MIN_LETTERS letters (symmetric-delete
    spelling correction: one deletion on each side covers a dropped, added, swapped or wrong letter). A variant
    two concepts share is dropped: a typo must not decide between them."""
    owners: dict[str, set[str]] = defaultdict(set)
    for cid, concept in lexicon.concepts.items():
        for form in concept.forms:
            word = normalise(form).lower()
            if len(word) >= TYPO_MIN_LETTERS and re.fullmatch(r"[a-z]+", word):
                for variant in (word, *_deletions(word)):
                    owners[variant].add(cid)
    return {variant: next(iter(cids)) for variant, cids in owners.items() if len(cids) == 1}


@lru_cache(maxsize=16384)
def compiled_form(form: str) -> re.Pattern[str] | None:
    pattern = form_pattern(form)
    return re.compile(pattern, re.IGNORECASE) if pattern else None


def numbers_in(text: str) -> list[Number]:
    return find_numbers(text)
