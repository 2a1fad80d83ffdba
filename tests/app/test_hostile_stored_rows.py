"""A learner whose stored log holds a row FSRS cannot replay keeps working (issue 12, failure 2).

The 9999-12-31 review from the report is written straight into the database (as an older import
could have done); Progress and Self-quiz show a clear message naming the row, never a traceback.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import streamlit as st

import ui.core
from studykit.progress_location import database_url
from studykit.store import NewReview, open_store
from tests.support.app_session import open_app
from tests.support.quiz_bank import fixture_bank

FAR_FUTURE = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


@pytest.fixture
def broken_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LORA_LAB_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("LORA_LAB_DATABASE_URL", raising=False)
    monkeypatch.setattr(ui.core, "get_bank", fixture_bank)
    st.cache_resource.clear()
    store = open_store(database_url())
    pid = store.ensure_profile("default").id
    store.add_review(pid, NewReview("fx-q2", "fx-q2", datetime.now(UTC) - timedelta(hours=2), 3))
    store.add_review(pid, NewReview("fx-q1", "fx-q1", FAR_FUTURE, 3))
    store.dispose()


@pytest.mark.parametrize("page", ["pages/stats.py", "pages/quiz.py"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_unreplayable_row_is_reported_and_skipped(
    broken_log: None, page: str, lang: str
) -> None:
    at = open_app(page, lang)
    warnings = [w.value for w in at.warning if "9999" in w.value]
    assert warnings and "fx" in warnings[0], [w.value for w in at.warning]
    assert "Traceback" not in warnings[0] and len(warnings[0]) < 1000
    store = open_store(database_url())
    assert len(store.reviews(store.get_profile("default").id)) == 2  # the row is kept
    store.dispose()
