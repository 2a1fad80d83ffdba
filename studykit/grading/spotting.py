"""Find concepts in one normalised clause: leftmost-longest form, the article "A", typos; negation resolved.

A `Spotter` is compiled once per lexicon (cached). Forms are indexed by their first character(s), so spotting
costs one dict lookup per position plus a few anchored regex matches, whatever the size of the lexicon.
Rules (documented for authors in questions/README.md, "Claims"; form regexes in `forms`, negation in `negation`):
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

from studykit.grading.forms import compiled_form
from studykit.grading.lexicon import Lexicon
from studykit.grading.negation import Occurrence, resolve_negation
from studykit.grading.normalise import normalise
from studykit.grading.numbers import NumericForm, find_numbers, names_a_position, parse_numeric_form

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
TYPO_MIN_LETTERS = 7  # shorter words are too close to each other ("larger"/"longer") to guess
_LATIN_WORD = re.compile(r"[A-Za-z]+(?![A-Za-z0-9_])")


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
            position = best_end > 0 and text[pos:best_end].isdigit() and names_a_position(text, pos)
            if best_end > 0 and not article and not position:
                found.extend((cid, pos, best_end) for cid in best_cids)
                pos = best_end
            else:
                pos += 1
        if self.numeric:
            found.extend(self._numbers(text, found))
        found.extend(_comparatives(text, found, self.lexicon))
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


# Chinese comparative "A 比 B 大/高/多" (A is larger than B): the bare adjective after the 比-phrase states the
# direction; not 比较/比如/比例/比值/比率/对比/相比/类比/无比 (comparing, for example, a ratio).
_COMPARATIVE = re.compile(
    r"(?<![对相类无好])比(?![较如例值率特方起])[^，,。；;：:比]{1,12}?(?:更|还|要)?(?P<adj>[大高多小低少])"
)
_DIRECTION = {
    "大": "increase",
    "高": "increase",
    "多": "increase",
    "小": "decrease",
    "低": "decrease",
    "少": "decrease",
}


def _comparatives(
    text: str, found: list[tuple[str, int, int]], lexicon: Lexicon
) -> list[tuple[str, int, int]]:
    """The direction of each 比-comparative whose adjective no form has taken."""
    out = []
    for match in _COMPARATIVE.finditer(text):
        at = match.start("adj")
        concept = _DIRECTION[match.group("adj")]
        if concept in lexicon and not any(s <= at < e for _, s, e in found):
            out.append((concept, at, at + 1))
    return out
