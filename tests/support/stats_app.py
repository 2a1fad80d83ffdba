"""The stats page in AppTest: a progress store seeded with three weeks of reviews, the page opened."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from streamlit.testing.v1 import AppTest

from studykit.progress_location import database_url
from studykit.store import NewReview, open_store
from tests.support.app_session import open_app


def seed_three_weeks() -> None:
    """Three weeks of reviews, a leech, typed misses and an unknown id, in the current store."""
    store = open_store(database_url())
    pid = store.ensure_profile("default").id
    now = datetime.now(UTC)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    anchor = midnight + (now - midnight) / 2  # today, in the past: robust near midnight
    for day in range(20, -1, -1):
        at = anchor - timedelta(days=day)
        store.add_review(pid, NewReview("fx-q2", "fx-q2", at, 3 if day % 3 else 4))
        store.add_review(pid, NewReview("fx-q3", "fx-q3", at + timedelta(seconds=1), 1))
    store.add_review(
        pid,
        NewReview(
            "fx-q1",
            "fx-q1",
            anchor + timedelta(seconds=2),
            2,
            proposed_rating=2,
            coverage=0.5,
            missed_points=(1, 2),
        ),
    )
    store.add_review(pid, NewReview("gone-q9", "gone-q9", anchor + timedelta(seconds=3), 3))
    store.dispose()


def open_stats(lang: str = "en") -> AppTest:
    """The app switched to the stats page, with no exception."""
    return open_app("pages/stats.py", lang)
