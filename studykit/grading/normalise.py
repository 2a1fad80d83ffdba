"""Text normalisation shared by answers, concept forms and inline claim forms.

Both sides of every comparison go through `normalise`, so "alpha / r", "lora_alpha/r" and "α/r" meet as
"α/r", "10⁻⁴" as "10^-4", "ΔW", "delta W" and "dW" as "ΔW". Case is kept: single letters are matched
case-sensitively (A is a matrix, "a" is an article); everything else is matched case-insensitively.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPT_RUN = re.compile(r"[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_LATEX_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
# LaTeX spacing (\, \; \! \quad) is a space, never a comma
_LATEX_SPACE = re.compile(r"\\[,;:! ]|\\q?quad\b")
# word-level rewrites, applied after NFKC; order matters (lora_alpha before alpha)
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    # "A ~ N(0, σ²)" names a Gaussian, not a zero; "U(-a, a)" a uniform distribution
    (re.compile(r"(?<![A-Za-z])[N𝒩]\s*\(\s*0\s*[,，][^()]*\)"), " normal distribution "),
    (re.compile(r"(?<![A-Za-z])U\s*\(\s*-[^()]*\)"), " uniform distribution "),
    (re.compile(r"\\(?:left|right|mathrm|text|operatorname)\b"), ""),
    (re.compile(r"\\?\b(?:lora_)?alpha\b", re.IGNORECASE), "α"),
    (re.compile(r"\\sqrt|\bsqrt\b", re.IGNORECASE), "√"),
    (re.compile(r"\\(?:times|cdot)"), "*"),
    (re.compile(r"\\(?:ll)\b"), "≪"),
    (re.compile(r"\\(?:leq?)\b"), "≤"),
    (re.compile(r"\\(?:geq?)\b"), "≥"),
    (re.compile(r"\\in\b"), "∈"),
    (re.compile(r"\\?\bdelta\s*_?\s*W\b|\bdW\b|[Δ∆]\s*W\b", re.IGNORECASE), "ΔW"),
    (re.compile(r"\\Delta\b|∆"), "Δ"),
    (re.compile(r"\\nabla(?![A-Za-z])"), "∇"),
    # "W + sum_i λ_i B_i A_i", "\\sum_{i}": the summation sign
    (re.compile(r"\\sum(?:_\{?[A-Za-z0-9]\}?)?|\bsum_\{?[A-Za-z0-9]\}?(?![A-Za-z0-9])|∑"), "Σ"),
    (re.compile(r"\bnon(?=zero\b|trainable\b|linear\b)", re.IGNORECASE), "non-"),
    # a separable phrasal verb meets its joined form: "roll the affected traffic back" -> "roll back the …"
    (
        re.compile(
            r"\b(roll(?:s|ed|ing)?)((?:\s+(?!back\b)[A-Za-z]+){1,3})\s+back\b", re.IGNORECASE
        ),
        r"\1 back\2",
    ),
)
_SYMBOLS = str.maketrans(
    {
        "×": "*",
        "·": "*",
        "⋅": "*",
        "−": "-",
        "–": "-",
        "—": "-",
        "{": "(",
        "}": ")",
        "’": "'",
        "‘": "'",
    }
)
_PAREN_ATOM = re.compile(r"\(([A-Za-z0-9α-ωΔ√.]+)\)")
_SPACES = re.compile(r"\s+")


def _superscripts(text: str) -> str:
    """`10⁻⁴` -> `10^-4`, `d²` -> `d^2` (NFKC alone would turn ⁻⁴ into a plain -4)."""
    return _SUPERSCRIPT_RUN.sub(lambda m: "^" + m.group().translate(_SUPERSCRIPT), text)


@lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """NFKC, superscripts, LaTeX/Greek names to symbols, × · → *, one space between words. Case kept."""
    text = _superscripts(text)
    text = unicodedata.normalize("NFKC", text)
    text = _LATEX_SPACE.sub(" ", text)
    # \frac{α}{r}B is (α/r)·B: the fraction keeps its own brackets so that "α/r" stays a whole word
    text = _LATEX_FRAC.sub(r"((\1)/(\2))", text)
    for pattern, repl in _REWRITES:
        text = pattern.sub(repl, text)
    text = text.translate(_SYMBOLS)
    for _ in range(3):  # (r) -> r, √(r) -> √r; nested parentheses peel one layer per pass
        text, n = _PAREN_ATOM.subn(r"\1", text)
        if not n:
            break
    return _SPACES.sub(" ", text).strip()


def compact(text: str) -> str:
    """`normalise` without whitespace: how formulas are compared."""
    return _SPACES.sub("", normalise(text))
