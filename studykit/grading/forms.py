"""Compile one surface form of a concept into its regex: word edges, inflections, -ise/-ize, CJK spacing."""

from __future__ import annotations

import re
from functools import lru_cache

from studykit.grading.normalise import normalise
from studykit.text_fold import CJK_CHAR

FORMULA_CHARS = frozenset("/*()^=+√≪≤≥∈")
_LATIN = re.compile(r"[A-Za-z]")
_CJK = CJK_CHAR
_WORDCHAR = "A-Za-z0-9_"
_LEFT_EDGE = rf"(?<![{_WORDCHAR}])(?<!\d\.)"
_RIGHT_EDGE = rf"(?![{_WORDCHAR}])(?!\.\d)"
_INDEX = r"(?:_(?:[ijkn]|\d)(?![A-Za-z0-9_]))?"  # a one-character subscript after a single letter


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


@lru_cache(maxsize=16384)
def compiled_form(form: str) -> re.Pattern[str] | None:
    pattern = form_pattern(form)
    return re.compile(pattern, re.IGNORECASE) if pattern else None
