"""Numbers in normalised text and numeric claim forms (`=1e-4`, `=50%`, `=0.6~0.8`).

Equivalent spellings meet on one value: 1e-4 = 10^-4 = 1*10^-4 = 0.0001; 14,991,360; 8M = 8e6 = 800万;
1.5B; 4k. A percentage keeps its flag: "50%" equals the form `=50%` (and `=0.5%`? no: 50% is 0.5 only
for a `%` form).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

_MANTISSA = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_NUMBER = re.compile(
    rf"(?<![A-Za-z0-9_.])(?P<m>{_MANTISSA})"
    r"(?:\s*\^\s*\(?(?P<pow>[-+]?\d+)\)?)?"
    r"(?:[eE](?P<e>[-+]?\d+))?"
    r"(?:\s*\*\s*10\s*(?:\^|\*\*)\s*\(?(?P<x10>[-+]?\d+)\)?)?"
    r"(?:\s*(?P<pct>%)|(?P<mul>[kKMB](?![A-Za-z0-9_])| ?[kKM](?![A-Za-z0-9_])|\s?(?:万|亿|千)|\s*(?:thousand|million|billion)\b))?"
)
_MULTIPLIERS = {
    "k": 1e3, "K": 1e3, "千": 1e3, "thousand": 1e3,
    "M": 1e6, "million": 1e6, "万": 1e4,
    "B": 1e9, "billion": 1e9, "亿": 1e8,
}  # fmt: skip
_UNIT = re.compile(
    r"(?<=[\d%kKMB万亿千])\s*(?:[KMGT]i?B|bytes?|ms|s|x|×|倍|个|位|步|层|epochs?|steps?|params?|parameters)$"
)
MAX_NUMBERS = 400  # per clause; a clause of digits must not make matching unbounded


@dataclass(frozen=True)
class Number:
    value: float
    percent: bool
    start: int
    end: int


def _value(match: re.Match[str]) -> float | None:
    try:
        value = float(match["m"].replace(",", ""))
        if match["pow"]:
            value = value ** int(match["pow"])
        if match["e"]:
            value *= 10.0 ** int(match["e"])
        if match["x10"]:
            value *= 10.0 ** int(match["x10"])
        if match["mul"]:
            value *= _MULTIPLIERS[match["mul"].strip()]
    except (OverflowError, ValueError, ZeroDivisionError):
        return None
    return value if math.isfinite(value) else None


# "<cls> sits at position 0", "位置 0", "下标 0": a number after one of these names a place, not a value
_POSITION_BEFORE = re.compile(
    r"(?:(?<![A-Za-z])(?:position|pos|index|idx)|位置|下标|索引|第)\s*$", re.I
)


def names_a_position(text: str, start: int) -> bool:
    """Whether the number at `start` is a position or index ("position 0"), not a quantity."""
    return bool(_POSITION_BEFORE.search(text, max(0, start - 12), start))


def find_numbers(text: str) -> list[Number]:
    """Every number written in `text` (already normalised), with its value and span; positions and indices
    ("position 0", "第 0 位") are not quantities and are left out."""
    out = []
    for match in _NUMBER.finditer(text):
        if names_a_position(text, match.start()):
            continue
        value = _value(match)
        if value is not None:
            out.append(Number(value, bool(match["pct"]), match.start(), match.end()))
        if len(out) >= MAX_NUMBERS:
            break
    return out


@dataclass(frozen=True)
class NumericForm:
    """A claim's `=value` or `=low~high` form."""

    low: float
    high: float
    percent: bool

    def accepts(self, number: Number) -> bool:
        value = number.value
        if self.percent:
            value = value / 100 if number.percent else value  # "50%" or "0.5" for the form =50%
            low, high = self.low / 100, self.high / 100
        elif number.percent:
            return False
        else:
            low, high = self.low, self.high
        tol = 1e-9 + 1e-6 * max(abs(low), abs(high))
        return low - tol <= value <= high + tol


@lru_cache(maxsize=4096)
def parse_numeric_form(form: str) -> NumericForm | None:
    """`=0.0001` / `=1e-4` / `=50%` / `=0.6~0.8` -> NumericForm; None when it is not one number or range."""
    body = form.strip()
    if not body.startswith("="):
        return None
    parts = re.split(r"\s*(?:~|～|\.\.|到|至)\s*", body[1:].strip())
    parts = [
        _UNIT.sub("", part) for part in parts
    ]  # '=1.9GB', '=19.8 ms': the unit is for the reader
    if not 1 <= len(parts) <= 2:
        return None
    values, percent = [], False
    for part in parts:
        numbers = find_numbers(part)
        if len(numbers) != 1 or (numbers[0].start, numbers[0].end) != (0, len(part)):
            return None
        values.append(numbers[0].value)
        percent = percent or numbers[0].percent
    return NumericForm(min(values), max(values), percent)
