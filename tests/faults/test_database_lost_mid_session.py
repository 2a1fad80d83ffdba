"""The progress database becomes read-only or unreachable while a learner is studying.

Expected: a clear message, browsing keeps working, and a grade is never silently dropped: it is
either saved or the learner is told it was not (the card stays so it can be graded again), and it
saves once the database is back.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

import ui.core
from studykit.store import ProgressStore, open_store
from tests.support.app_session import open_app
from tests.support.browser import READY_TIMEOUT_S
from tests.support.postgres import PgDatabase
from tests.support.quiz_bank import fixture_bank


@pytest.fixture
def pg_app(
    pg_database: PgDatabase, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[PgDatabase]:
    """The app pointed at a private PostgreSQL database, with the small fixture bank."""
    monkeypatch.setenv("LORA_LAB_DATABASE_URL", pg_database.url)
    monkeypatch.setenv("LORA_LAB_DATA_DIR", str(tmp_path))
    bank = fixture_bank()
    monkeypatch.setattr(ui.core, "get_bank", lambda: bank)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield pg_database
    st.cache_resource.clear()
    st.cache_data.clear()


def _quiz() -> AppTest:
    return open_app("pages/quiz.py", "en", timeout=READY_TIMEOUT_S)


def _grades(url: str) -> int:
    store = open_store(url)
    try:
        profile = store.get_profile("default")
        return len(store.reviews(profile.id)) if profile else 0
    finally:
        store.dispose()


def _messages(at: AppTest) -> str:
    return " | ".join(e.value for e in [*at.error, *at.warning])


def _browse_works(at: AppTest) -> None:
    at.switch_page("pages/browse.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.text_input(key="browse_query")


@pytest.mark.parametrize("fault", ["read_only", "unreachable"])
def test_grade_fails_visibly_then_saves_when_the_database_is_back(
    pg_app: PgDatabase, fault: str
) -> None:
    at = _quiz()
    at.button(key="review_reveal").click().run()
    at.button(key="review_rate_3").click().run()
    assert _grades(pg_app.url) == 1

    at.button(key="review_reveal").click().run()
    broken = fault == "read_only"  # the argument that turns the fault on
    switch = pg_app.set_read_only if broken else pg_app.set_reachable
    switch(broken)
    try:
        at.button(key="review_rate_4").click().run()
        assert not at.exception, [e.value for e in at.exception]
        during = _messages(at).lower()
        if fault == "read_only":  # the log is readable: the card stays, with the reason
            assert "not saved" in during, during
            assert at.button(key="review_rate_4"), "the unsaved card must stay on screen"
        else:  # the log cannot be read either: the page says so instead of a card
            assert "not saved" in during or "cannot" in during, during
        _browse_works(at)
    finally:
        switch(not broken)  # back to normal
    assert _grades(pg_app.url) == 1  # nothing half-written

    at.switch_page("pages/quiz.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    after = _messages(at).lower()
    assert "not saved" in during + after, "the lost grade was never reported"
    if not at.button(key="review_rate_4"):
        at.button(key="review_reveal").click().run()
    at.button(key="review_rate_4").click().run()  # the retry
    assert not at.exception
    assert _grades(pg_app.url) == 2


def test_database_down_when_a_page_opens_keeps_browsing(pg_app: PgDatabase) -> None:
    at = _quiz()
    pg_app.set_reachable(False)
    try:
        for page in ("pages/browse.py", "pages/notes.py", "pages/home.py"):
            at.switch_page(page)
            at.run()
            assert not at.exception, (page, [e.value for e in at.exception])
        at.switch_page("pages/quiz.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert _messages(at), "the quiz page must say the progress database is unavailable"
    finally:
        pg_app.set_reachable(True)


@pytest.mark.parametrize("page", ["pages/quiz.py", "pages/stats.py"])
def test_database_lost_between_two_queries_of_one_run(
    page: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The profile lookup succeeds, the next query fails: the page says so, no traceback."""
    monkeypatch.delenv("LORA_LAB_DATABASE_URL", raising=False)
    monkeypatch.setenv("LORA_LAB_DATA_DIR", str(tmp_path))
    bank = fixture_bank()
    monkeypatch.setattr(ui.core, "get_bank", lambda: bank)
    st.cache_resource.clear()
    try:
        at = open_app(lang="en", timeout=READY_TIMEOUT_S)  # home first: the store is patched next

        original, down = ProgressStore.reviews, [True]

        def reviews(store: ProgressStore, *args: object, **kwargs: object) -> object:
            if down[0]:
                raise OperationalError(
                    "SELECT", {}, ConnectionError("server closed the connection")
                )
            return original(store, *args, **kwargs)

        monkeypatch.setattr(ProgressStore, "reviews", reviews)
        at.switch_page(page)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert "server closed the connection" in _messages(at)
        down[0] = False  # the database is back: the same page works again
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert "server closed the connection" not in _messages(at)
    finally:
        st.cache_resource.clear()
