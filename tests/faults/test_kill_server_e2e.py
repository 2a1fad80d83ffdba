"""The real app server is SIGKILLed while a learner grades in Chromium; nothing acknowledged is lost.

A learner grades cards in the browser; a grade counts as acknowledged once the page shows it
("Reviewed today" went up). Then the next grade is clicked and the server is killed at once. After a
restart every acknowledged grade is in the store (at most the one in flight more), on SQLite and
on PostgreSQL, and the Progress page shows them.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from studykit.progress_location import sqlite_url
from studykit.store import open_store
from tests.support.browser import (
    READY_TIMEOUT_MS,
    after_run,
    count_runs,
    metric_value,
    start_server,
    stop_server,
    wait_loaded,
)
from tests.support.postgres import PgDatabase

pytestmark = pytest.mark.e2e
ACKED_BEFORE_KILL = 3


def _open_quiz(browser: object, url: str) -> tuple[object, object]:
    context = browser.new_context(viewport={"width": 1366, "height": 1400}, locale="en-US")
    count_runs(context)  # so that each wait is for the run an action started
    page = context.new_page()
    page.set_default_timeout(READY_TIMEOUT_MS)  # a ceiling; every wait is on a condition
    page.goto(f"{url}/?lang=en")
    wait_loaded(page)
    after_run(page, page.get_by_test_id("stTopNavLink").filter(has_text="Self-quiz").first.click)
    return context, page


def _reveal(page: object) -> None:
    page.locator(".st-key-review_reveal button").wait_for()  # the card is drawn
    skip = page.locator(".st-key-review_skip_fu button")
    if skip.count():
        after_run(page, skip.click)
    # the reveal's rerun, however long a loaded machine takes
    after_run(page, page.locator(".st-key-review_reveal button").click)
    page.locator(".st-key-review_rate_3 button").wait_for()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_sigkill_server_while_grading_in_the_browser(
    browser: object, tmp_path: Path, request: pytest.FixtureRequest, backend: str
) -> None:
    env: dict[str, str] = {}
    db = None
    url = sqlite_url(tmp_path / "progress.sqlite3")
    if backend == "postgresql":
        db = PgDatabase(request.getfixturevalue("postgres_url"))
        url = env["LORA_LAB_DATABASE_URL"] = db.url
    proc, app = start_server(tmp_path, env)
    try:
        context, page = _open_quiz(browser, app)
        acked = 0
        for _ in range(ACKED_BEFORE_KILL):
            _reveal(page)
            after_run(page, page.locator(".st-key-review_rate_3 button").click)
            page.wait_for_function(
                """want => [...document.querySelectorAll('[data-testid="stMetric"]')]
                    .some(m => m.innerText.includes('Reviewed today')
                               && m.innerText.trim().endsWith(String(want)))""",
                arg=acked + 1,
            )
            acked += 1
        _reveal(page)
        page.locator(".st-key-review_rate_3 button").click()  # in flight when the plug is pulled
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        context.close()

        proc, app = start_server(tmp_path, env)
        store = open_store(url)
        try:
            assert store.status.kind == "ok", store.status
            profile = store.get_profile("default")
            assert profile is not None
            saved = len(store.reviews(profile.id))
        finally:
            store.dispose()
        assert acked <= saved <= acked + 1, f"{acked} acknowledged, {saved} in the store"

        context, page = _open_quiz(browser, app)
        after_run(page, page.get_by_test_id("stTopNavLink").filter(has_text="Progress").first.click)
        assert metric_value(page, "Total grades") == saved
        assert not page.get_by_test_id("stException").count()
        context.close()
    finally:
        stop_server(proc)
        if db is not None:
            db.drop()
