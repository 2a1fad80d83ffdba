"""The time window a review may have: before it nothing was graded, after it is the future.

FSRS adds the next interval to a review's time; a review at 9999-12-31 overflows Python's
``datetime`` during the replay. Imports refuse such rows; a replay skips and reports them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EARLIEST_REVIEW = datetime(2000, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)  # clock skew between a learner's machine and the server


def review_time_problem(at: datetime, now: datetime | None = None) -> str | None:
    """Why ``at`` cannot be a review time (English), or None when it can."""
    if at.tzinfo is None:
        return "the time has no time zone"
    latest = (now or datetime.now(UTC)) + FUTURE_SLACK
    if at < EARLIEST_REVIEW:
        return f"the time is before {EARLIEST_REVIEW:%Y-%m-%d}"
    if at > latest:
        return f"the time is in the future (after {latest:%Y-%m-%d})"
    return None
