"""Interval labels (the time until a card is due) in the UI language, units from the locale files."""

from __future__ import annotations

from datetime import timedelta

from studykit.i18n import translate

DAY = 86400
# (unit size in seconds, locale key); months and years keep one decimal, smaller units whole numbers
UNITS = (
    (365 * DAY, "interval.years"),
    (30 * DAY, "interval.months"),
    (DAY, "interval.days"),
    (3600, "interval.hours"),
    (60, "interval.minutes"),
)


def format_interval(delta: timedelta, lang: str = "zh") -> str:
    """A compact label such as 1m / 4d / 1.5y (zh: 1分钟 / 4天 / 1.5年); never under one minute."""
    seconds = max(delta.total_seconds(), 0)
    for size, key in UNITS:
        if seconds >= size or size == 60:
            value = seconds / size
            shown = (
                f"{value:.1f}".rstrip("0").rstrip(".")
                if size >= 30 * DAY
                else f"{max(round(value), 1)}"
            )
            return translate(key, lang, n=shown)
    raise AssertionError("unreachable: the last unit always matches")  # pragma: no cover
