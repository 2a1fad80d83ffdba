"""Text folding shared by search and grading: Unicode NFKC, case, spaces, and which characters are CJK.

Search and grading each keep their own stop words (a query's filler differs from an answer's), but
they agree here on what a Chinese character is and how full-width or upper-case text is folded.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

# CJK Unified Ideographs Extension A, the Unified block and the Compatibility block.
CJK_RANGES: Final = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_CHAR: Final = re.compile(f"[{CJK_RANGES}]")
CJK_RUN: Final = re.compile(f"[{CJK_RANGES}]+")
_SPACES = re.compile(r"\s+")

# Filler a search query may contain ("LoRA 的 秩", "what is the rank of LoRA").
SEARCH_STOP_WORDS: Final = frozenset(
    [
        "的",
        "了",
        "是",
        "在",
        "和",
        "与",
        "及",
        "或",
        "吗",
        "呢",
        "么",
        "什么",
        "怎么",
        "如何",
        "为什么",
        "哪些",
        "一个",
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "is",
        "and",
        "or",
        "what",
        "how",
        "why",
    ]
)


def fold(text: str) -> str:
    """NFKC (full-width -> half-width) and lower case, so "ＬｏＲＡ" matches "lora"."""
    return unicodedata.normalize("NFKC", text).lower()


def fold_spaces(text: str) -> str:
    """`fold`, then every run of whitespace as one space, trimmed."""
    return _SPACES.sub(" ", fold(text)).strip()
