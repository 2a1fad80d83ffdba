"""A learner's live view in Chromium: polls that find the room unchanged do not send the view again.

The learner page polls the room with a small fragment and draws the room view (question, answer
box, answer key) when the room moved on, and once more a few seconds later (a drawing lost on the
way under load, issue 16); before, every poll redrew it. Checked from the page's websocket: each
new room state reaches the page, is drawn twice, and then, while the room stays put, polls go on
but no frame carries the answer box or the answer key again; what the learner types without
committing survives the second drawing and the polls and is what gets submitted; the presenter's
reveal and next question reach the page without a reload.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from studykit.i18n import translate
from tests.support.browser import (
    NEXT_FRAMES_SCRIPT,
    READY_TIMEOUT_MS,
    count_runs,
    runs_done,
    start_server,
    stop_server,
    wait_idle,
    wait_run_after,
)

pytestmark = pytest.mark.e2e

ANSWER_BOX = b"group_answer"  # the answer box's widget id, in the frame that draws it
TYPED = "LoRA learns a low-rank update B A while W stays frozen"


def en(key: str, **values: object) -> str:
    return translate(key, "en", **values)


KEY_HEADING = ("#### " + en("browse.answer")).encode()  # the answer key's heading


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    proc, url = start_server(tmp_path, {"LORA_LAB_GROUP_REFRESH_S": "1"})
    try:
        yield url
    finally:
        stop_server(proc)


class Frames:
    """The websocket frames one page received, in order, with the time each arrived."""

    def __init__(self, page: object) -> None:
        self.seen: list[tuple[float, bytes]] = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: str | bytes) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        self.seen.append((time.monotonic(), data))

    def carrying(self, marker: bytes, since: float) -> int:
        return sum(1 for at, data in self.seen if at >= since and marker in data)

    def wait_carrying(self, page: object, marker: bytes, since: float, n: int) -> None:
        """Wait until `n` frames with `marker` arrived since `since` (the readiness ceiling)."""
        deadline = time.monotonic() + READY_TIMEOUT_MS / 1000
        while self.carrying(marker, since) < n:
            assert time.monotonic() < deadline, f"{n} frames with {marker!r} did not arrive"
            page.wait_for_timeout(100)  # lets Playwright deliver the page's websocket frames


def _polls(page: object, n: int) -> None:
    """Wait until the page's watch has finished `n` more runs (it polls every second here)."""
    for _ in range(n):
        assert wait_run_after(page, runs_done(page)), "the learner's live view stopped polling"


def test_unchanged_polls_do_not_send_the_view_again(browser: object, server: str) -> None:
    host_ctx = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-US")
    learner_ctx = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-US")
    try:
        host = host_ctx.new_page()
        host.set_default_timeout(READY_TIMEOUT_MS)
        host.goto(f"{server}/?lang=en")
        wait_idle(host)
        host.goto(f"{server}/group?lang=en")
        wait_idle(host)
        host.locator(".st-key-group_role").get_by_text(en("group.role.presenter")).click()
        wait_idle(host)
        host.locator(".st-key-group_create button").click()
        code_metric = host.locator(".st-key-group_code [data-testid='stMetricValue']")
        code = code_metric.inner_text().strip()

        count_runs(learner_ctx)
        page = learner_ctx.new_page()
        page.set_default_timeout(READY_TIMEOUT_MS)
        frames = Frames(page)
        page.goto(f"{server}/group?room={code}&lang=en")
        page.locator(".st-key-group_join_name input").fill("Ann")
        page.locator(".st-key-group_join button").click()
        page.get_by_text(en("group.waiting")).wait_for()

        opened = time.monotonic()
        host.locator(".st-key-group_open_next button").click()
        box = page.locator(".st-key-group_answer textarea")
        box.wait_for()  # the watch saw the question open and the page drew it, no reload
        box.click()
        page.keyboard.type(TYPED)  # typed, not committed: the browser alone holds it
        frames.wait_carrying(page, ANSWER_BOX, opened, 2)  # the second drawing
        page.evaluate(NEXT_FRAMES_SCRIPT)
        assert box.input_value() == TYPED, "the second drawing lost what was typed"
        since = time.monotonic()
        _polls(page, 3)
        assert box.input_value() == TYPED
        assert frames.carrying(ANSWER_BOX, since) == 0, "a poll drew the answer box again"

        page.locator(".st-key-group_submit button").click()
        page.get_by_text(en("group.answer_in")).wait_for()
        assert TYPED in page.get_by_test_id("stText").all_inner_texts()

        revealed = time.monotonic()
        host.locator(".st-key-group_reveal button").click()
        page.get_by_role("heading", name=en("browse.answer")).wait_for()
        frames.wait_carrying(page, KEY_HEADING, revealed, 2)  # the second drawing
        since = time.monotonic()
        _polls(page, 3)
        assert frames.carrying(KEY_HEADING, since) == 0, "a poll sent the answer key again"

        host.locator(".st-key-group_open_next button").click()
        second = en("group.question_n", n=2, total=0).rsplit(" ", 1)[0]  # "Question 2 of"
        page.get_by_role("heading", name=re.compile("^" + re.escape(second))).wait_for()
        assert box.input_value() == "", "a new question opens with an empty answer box"
    finally:
        learner_ctx.close()
        host_ctx.close()
