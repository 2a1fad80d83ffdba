"""Browser journey of a study group: one presenter and five learners, each in its own browser context.

Two questions; the presenter's live count and per key point tallies match what the answers graded to,
the reveal reaches every learner, a double click submits once, and the exported CSV holds exactly
the answers given. Run twice: one app server on SQLite, and two app servers (presenter on one,
learners on the other) sharing one PostgreSQL database.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from studykit.bank import load_bank
from studykit.i18n import translate
from studykit.rooms.export import cell
from studykit.rooms.tally import STATUSES, grade
from tests.support.browser import (
    READY_TIMEOUT_MS,
    after_run,
    count_runs,
    runs_done,
    screenshot,
    start_server,
    stop_server,
    wait_idle,
    wait_run_after,
)

pytestmark = pytest.mark.e2e

NAMES = ["Ann", "Bo", "Chen", "<b>Dee</b>", "=Eve"]
ANSWERS = [  # per question, per learner; None: the learner skips
    [
        "LoRA freezes the pretrained weight W and learns a low-rank update BA with rank r",
        "we train all the weights of the model with a small learning rate",
        "the update is delta W = B A, B starts at zero so training starts from the base model",
        "<script>alert(1)</script> low rank **matrices**",
        None,
    ],
    [
        "alpha / r scales the update",
        None,
        "rank r is the inner dimension; the scaling is alpha over r",
        "rank and alpha are the same thing",
        '=HYPERLINK("x")',
    ],
]
TIMEOUT = READY_TIMEOUT_MS  # a ceiling: every wait is on a condition


def en(key: str, **values: object) -> str:
    return translate(key, "en", **values)


@pytest.fixture(params=["one-sqlite", "two-postgres"])
def servers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(presenter's server, learners' server): the same one, or two processes on one PostgreSQL."""
    env = {"LORA_LAB_GROUP_REFRESH_S": "1"}
    if request.param == "one-sqlite":
        proc, url = start_server(tmp_path, env)
        try:
            yield url, url
        finally:
            stop_server(proc)
        return
    env["LORA_LAB_DATABASE_URL"] = request.getfixturevalue("postgres_url")
    from sqlalchemy import create_engine

    from studykit.rooms.tables import room_metadata

    engine = create_engine(env["LORA_LAB_DATABASE_URL"])
    room_metadata.drop_all(engine)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, url_a = start_server(tmp_path / "a", env)
    try:
        second, url_b = start_server(tmp_path / "b", env)
        try:
            yield url_a, url_b
        finally:
            stop_server(second)
    finally:
        stop_server(first)
        room_metadata.drop_all(engine)
        engine.dispose()


def _open(browser: object, url: str) -> tuple[object, object]:
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(url)
    wait_idle(page)
    return context, page


def _counts(page: object) -> str:
    return page.locator(".st-key-group_counts [data-testid='stMetricValue']").inner_text().strip()


def _wait_counts(page: object, expected: str) -> None:
    page.wait_for_function(
        "e => document.querySelector(\".st-key-group_counts [data-testid='stMetricValue']\")"
        "?.innerText.trim() === e",
        arg=expected,
        timeout=TIMEOUT,
    )


def _tallies(page: object) -> list[dict[str, int]]:
    rows = page.locator(".st-key-group_tallies table tbody tr")
    out = []
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td").all_inner_texts()
        out.append(dict(zip(STATUSES, (int(c) for c in cells[-4:]), strict=True)))
    return out


def _wait_tallies(page: object, expected: list[dict[str, int]]) -> None:
    """Wait (up to the readiness ceiling) until the live panel shows `expected`."""
    deadline = time.monotonic() + TIMEOUT / 1000
    while (shown := _tallies(page)) != expected:
        assert time.monotonic() < deadline, f"tallies {shown}, expected {expected}"
        page.wait_for_timeout(200)  # the polling interval, not a wait for the app


def _expected_tallies(key_points: list, answers: list[str | None]) -> list[dict[str, int]]:
    counts = [dict.fromkeys(STATUSES, 0) for _ in key_points]
    for answer in answers:
        if answer is not None:
            for i, status in enumerate(grade(answer, key_points).statuses):
                counts[i][status] += 1
    return counts


def test_presenter_and_five_learners(browser: object, servers: tuple[str, str]) -> None:
    bank = load_bank()
    if len(bank.questions) < 2:
        pytest.skip("the question bank has fewer than two questions")
    host_url, learner_url = servers
    contexts = []
    try:
        # Open each server's router first: a fresh server's very first deep link runs legacy pages.
        ctx, _ = _open(browser, f"{learner_url}/?lang=en")
        ctx.close()
        ctx, host = _open(browser, f"{host_url}/?lang=en")
        contexts.append(ctx)
        host.goto(f"{host_url}/group?lang=en")
        wait_idle(host)
        host.locator(".st-key-group_role").get_by_text(en("group.role.presenter")).click()
        wait_idle(host)
        host.locator(".st-key-group_create button").click()
        host.locator(".st-key-group_code").wait_for()
        wait_idle(host)
        code = host.locator(".st-key-group_code [data-testid='stMetricValue']").inner_text()
        code = code.strip()
        assert "token=" in host.url and f"room={code}" in host.url
        picked = [q for q in bank.questions if q.source.document == bank.files[0].document][:2]

        learners = []
        for name in NAMES:
            ctx, page = _open(browser, f"{learner_url}/group?room={code}&lang=en")
            contexts.append(ctx)
            expect(page.locator(".st-key-group_join_code input")).to_have_value(code)
            page.locator(".st-key-group_join_name input").fill(name)
            page.locator(".st-key-group_join button").click()
            page.get_by_text(en("group.waiting")).wait_for()
            learners.append(page)
        screenshot(learners[0], "group-learner-waiting-en")

        for index, answers in enumerate(ANSWERS):
            host.locator(".st-key-group_open_next button").click()
            wait_idle(host)
            _wait_counts(host, f"0/{len(NAMES)}")
            for page, answer in zip(learners, answers, strict=True):
                box = page.locator(".st-key-group_answer textarea")
                box.wait_for()  # the poll brought the new question without a reload
                if answer is None:
                    page.locator(".st-key-group_skip button").click()
                else:
                    box.fill(answer)
                    submit = page.locator(".st-key-group_submit button")
                    if index == 1 and page is learners[0]:
                        submit.dblclick()  # a double submit must store one answer
                    else:
                        submit.click()
                wait_idle(page)
            _wait_counts(host, f"{len(NAMES)}/{len(NAMES)}")
            expected = _expected_tallies(picked[index].answer.key_points, answers)
            _wait_tallies(host, expected)  # the live panel's next poll brings them
            if index == 0:
                screenshot(host, "group-presenter-live-en")
            host.locator(".st-key-group_reveal button").click()
            wait_idle(host)
            for page in learners:  # the reveal reaches everyone
                page.get_by_role("heading", name=translate("browse.answer", "en")).wait_for()
            for page, answer in zip(learners, answers, strict=True):
                if answer is not None:
                    page.get_by_text(en("group.your_feedback")).wait_for()
                    assert answer in page.get_by_test_id("stText").all_inner_texts()
            if index == 0:
                screenshot(learners[0], "group-learner-revealed-en")

        # One click downloads, right after the summary opens and whatever the live panel is doing.
        host.get_by_text(en("group.summary")).click()
        with host.expect_download() as download:
            host.locator(".st-key-group_export button").click()
        rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
        expected = [
            (str(q + 1), cell(name), cell(answer or ""), "yes" if answer is None else "no")
            for q, answers in enumerate(ANSWERS)
            for name, answer in zip(NAMES, answers, strict=True)
        ]
        got = [(r["question_no"], r["learner"], r["answer"], r["skipped"]) for r in rows]
        assert sorted(got) == sorted(expected)
        assert {r["room"] for r in rows} == {code}

        # The projector layout has no sidebar, so no language switch: its live panel's polls must
        # keep the page's language (they fell back to Chinese when the switch's state was dropped).
        ctx = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-US")
        contexts.append(ctx)
        count_runs(ctx)
        projector = ctx.new_page()
        projector.set_default_timeout(TIMEOUT)
        projector.goto(host.url)  # drawn with the switch first, then without it
        wait_idle(projector)
        after_run(projector, projector.locator(".st-key-group_projector label").click)
        before = runs_done(projector)
        for _ in range(3):  # the live panel's own polls
            assert wait_run_after(projector, before), "the live panel did not poll"
            before = runs_done(projector)
        label = projector.locator(".st-key-group_counts [data-testid='stMetricLabel']")
        expect(label).to_have_text(en("group.answered"))
    finally:
        for ctx in contexts:
            ctx.close()
