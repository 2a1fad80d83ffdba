"""A hostile-input sweep in a real browser (issue 12): every page, both languages, hostile values
in every query parameter and in every input, those behind sidebar pop-ups, collapsed sections,
non-default tabs and mode switches included, and a study group run with hostile names and answers.

Fails on any request to a host other than the app's (fonts and icons included: the browser's
requests are recorded), on a Streamlit exception element, a page error, traceback text on the page
or in the server log, a link or image pointing at the hostile host, and on hostile Markdown, HTML,
LaTeX or a ``:red[...]`` directive that was rendered rather than shown as typed (each carries a
marker word that must only ever appear inside its literal source). The Lab's regex field gets the
catastrophic-backtracking pattern while another client polls /_stcore/health.

Every wait is on readiness (the app connected and idle, an element shown); the ceilings are
`READY_TIMEOUT_MS`.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.support.browser import (
    READY_TIMEOUT_MS,
    after_run,
    count_runs,
    follow_link,
    runs_done,
    start_server,
    stop_server,
    wait_idle,
    wait_loaded,
    wait_run_after,
)

pytestmark = pytest.mark.e2e

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Each construct carries a marker word; rendered, the word would show without its source around it.
LINK = "[LNKMARK - session expired, log in again](http://evil.example/login)"
IMAGE = "![IMGMARK](http://evil.example/track.png)"
DIRECTIVE = ":red[REDMARK] :material/home:"
LATEX = "$\\href{http://evil.example/l}{TEXMARK}$"
HTML = "<b>HTMLMARK</b><img src=http://evil.example/x>"
CONTROLS = "\u202eRTL\u0000NUL\u200f"
LITERALS = {  # marker -> the text that must precede it wherever it shows
    "LNKMARK": "[LNKMARK",
    "REDMARK": ":red[REDMARK",
    "TEXMARK": "{TEXMARK",
    "HTMLMARK": "<b>HTMLMARK",
}
QUERY_VALUES = [f"{LINK} {DIRECTIVE}", f"{IMAGE} {LATEX} {HTML} {CONTROLS}"]
GROUP_NAME = "![IMGMARK](//evil.example) :red[REDMARK]"  # 40 characters, a group's longest
TYPED = f"{GROUP_NAME} {LINK} {IMAGE} {DIRECTIVE} {LATEX} {HTML} {CONTROLS} " + "x" * 100_000
NAME = f"{IMAGE} {DIRECTIVE}"  # a learner or group name (at most 80 / 40 characters)
REGEX = "(.+)+X"  # catastrophic backtracking for a backtracking engine
PAGES = ["", "browse", "notes", "quiz", "stats", "lab", "group"]
PARAMS = ("q", "exp", "learner", "lang", "reveal", "room", "view", "id", "tab")
GROUP_PARAMS = (("room", "token"), ("room", "member"))  # the presenter's and a learner's views
# inputs the sweep must reach (it types into every box it finds; these prove it still finds them)
EXPECTED_BOXES = {
    "browse_query",
    "review_answer_",
    "cram_answer_",
    "lab_extra",
    "lab_runs",
    "group_join_code",
    "group_join_name",
    "group_pick_prev",
    "profile_passphrase",
}
# boxes emptied again once checked: their refused value would hide the rest of the page's inputs
CLEARED_AFTER = {"lab_extra"}  # invalid targets: every Lab tab asks to fix the settings first
# mode switches whose every option is a view with its own inputs, per page
SWITCHES = {"quiz": ("quiz_mode",), "group": ("group_role", "group_pick")}


class Watch:
    """Everything the browser did that the sweep refuses."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.outside: list[str] = []
        self.page_errors: list[str] = []
        self.markers_seen = 0  # hostile values shown (as text) on the pages checked
        self.typed: set[tuple[str, str]] = set()  # (page, box) pairs the sweep typed into

    def on_request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.hostname not in LOCAL_HOSTS:
            self.outside.append(request.url)


@pytest.fixture(scope="module")
def sweep_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The app on an empty data directory; yields its URL and its server log."""
    data_dir = tmp_path_factory.mktemp("sweep-data")
    proc, url = start_server(data_dir)
    yield url, data_dir / f"server-{urlsplit(url).port}.log"
    stop_server(proc)


@pytest.fixture
def open_page(browser, sweep_server):
    """A factory of fresh browser sessions (a context each) sharing one Watch per test."""
    url, log = sweep_server
    watch = Watch(log)
    contexts = []

    def _open(lang: str = "zh") -> object:
        context = browser.new_context(
            viewport={"width": 1366, "height": 1000},
            locale="zh-CN" if lang == "zh" else "en-US",
        )
        context.on("request", watch.on_request)
        count_runs(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: watch.page_errors.append(str(exc)))
        page.set_default_timeout(READY_TIMEOUT_MS)
        contexts.append(context)
        return page

    _open.url, _open.watch = url, watch
    yield _open
    for context in contexts:
        context.close()


def assert_clean(page, watch: Watch, where: str) -> None:
    assert not watch.outside, f"{where}: requests left 127.0.0.1: {watch.outside[:5]}"
    assert not watch.page_errors, f"{where}: page errors: {watch.page_errors[:3]}"
    expect(page.get_by_test_id("stException")).to_have_count(0)
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and 'File "/' not in body, where
    for marker, literal in LITERALS.items():
        watch.markers_seen += body.count(literal)
        assert body.count(marker) == body.count(literal), (
            f"{where}: {marker} was rendered, not shown as typed: "
            f"{body[max(body.find(marker) - 80, 0) : body.find(marker) + 40]!r}"
        )
    hostile = page.evaluate(
        """() => [...document.querySelectorAll('a[href], img[src], [style*="url("]')]
            .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('style'))
            .filter(v => v.includes('evil.example'))"""
    )
    assert not hostile, f"{where}: links or images to another host: {hostile[:3]}"
    log = watch.log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log, (
        f"{where}: the server logged {log[log.find('Traceback') :][:800]}"
    )


def goto(page, url: str) -> None:
    page.goto(url)
    wait_loaded(page)


def click(page, key: str) -> None:
    """Click the button of the widget with this key, and wait for the run it starts."""
    after_run(page, page.locator(f".st-key-{key} button").first.click)


def _box_name(box) -> str:
    """The widget key of a box (its container's st-key class), else its label."""
    return box.evaluate(
        """e => (e.closest('[class*="st-key-"]')?.className.match(/st-key-(\\S+)/) || [])[1]
            || e.getAttribute('aria-label') || ''"""
    )


def type_into(page, box, text: str = TYPED) -> None:
    """Type `text` into a box and commit it (Enter; Ctrl+Enter in a text area) before a click.

    A Streamlit box ignores a value over its `max_chars` altogether (the server still cuts what
    a forged request sends: the unit and AppTests send that), so the longest cut of `text` the
    box takes is typed: all 100,000 characters where it has no limit.
    """
    before = box.input_value()
    for cut in (len(text), 4_000, 1_000, 500, 200, 80, 40, 16):
        box.fill(text[:cut])
        if box.input_value() != before:
            break
    else:
        return  # the box took none of it: nothing to submit
    key = "Control+Enter" if box.evaluate("e => e.tagName") == "TEXTAREA" else "Enter"
    # Most boxes rerun the page on Enter; one inside a form sends its value with the form, so
    # no run starts and the view stays as it is.
    settle_after(page, lambda: box.press(key))


def settle_after(page, action) -> None:
    """Do `action`, wait for the run it starts if it starts one (30 s grace), then for idleness."""
    runs = runs_done(page)
    action()
    wait_run_after(page, runs, timeout=30_000)
    wait_idle(page)


def fill_boxes(page, scope, where: str, watch: Watch) -> None:
    """Type the hostile text into every visible editable box in `scope` not typed into yet in
    this view, and submit each (Enter; Ctrl+Enter in a text area)."""
    boxes = scope.locator(
        "input[type='text']:visible, input[type='password']:visible, textarea:visible"
    )
    i = 0
    while i < boxes.count():  # counted again each time: a submitted box may redraw the view
        box = boxes.nth(i)
        i += 1
        if not box.is_editable() or box.get_attribute("role") == "combobox":
            continue  # a select's search box filters its options in the browser only
        name = _box_name(box)
        if (where.split(" ")[0], name) in watch.typed:
            continue  # the same box seen again from another tab of the view
        watch.typed.add((where.split(" ")[0], name))
        type_into(page, box)
        assert_clean(page, watch, f"{where}: {name}")
        if name in CLEARED_AFTER:
            type_into(page, box, "")


def open_sections(page, scope) -> None:
    """Expand every collapsed section (expander) in `scope`."""
    closed = scope.locator("[data-testid='stExpander'] details:not([open]) > summary:visible")
    while closed.count():
        closed.first.click()
        wait_idle(page)


def sweep_view(page, where: str, watch: Watch) -> None:
    """Every input of the view on screen: its sections opened, then each tab in turn."""
    main = page.get_by_test_id("stMain")
    open_sections(page, main)
    fill_boxes(page, main, where, watch)
    tabs = main.get_by_role("tab")
    for i in range(tabs.count()):
        tabs.nth(i).click()
        wait_idle(page)
        open_sections(page, main)
        fill_boxes(page, main, f"{where} tab {i}", watch)
    assert_clean(page, watch, where)


def sweep_switches(page, path: str, watch: Watch) -> None:
    """Each option of each mode switch on the page, with the inputs it shows."""
    for key in SWITCHES.get(path, ()):
        options = page.locator(f".st-key-{key} button")
        for i in range(options.count()):
            if options.nth(i).get_attribute("aria-checked") == "true":
                continue  # the option on screen: a click would start no run
            after_run(page, options.nth(i).click)
            sweep_view(page, f"/{path} {key}={i}", watch)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_with_hostile_query_parameters(open_page, lang: str) -> None:
    """Each parameter gets one hostile value per language and the other in the other language."""
    page, watch = open_page(lang), open_page.watch
    shift = ["zh", "en"].index(lang)

    def value(i: int) -> str:
        return QUERY_VALUES[(i + shift) % len(QUERY_VALUES)]

    query = "&".join(f"{n}={quote(value(i))}" for i, n in enumerate(PARAMS) if n != "lang")
    for path in PAGES:
        goto(page, f"{open_page.url}/{path}?{query}&lang={lang}")
        assert_clean(page, watch, f"/{path}?…")
    for names in GROUP_PARAMS:  # the group page's presenter and learner views
        query = "&".join(f"{n}={quote(value(i))}" for i, n in enumerate(names))
        goto(page, f"{open_page.url}/group?{query}&lang={lang}")
        assert_clean(page, watch, f"/group?{'&'.join(names)}")
    goto(page, f"{open_page.url}/?lang={quote(value(1))}")  # the language itself
    assert_clean(page, watch, "lang=hostile")
    assert watch.markers_seen, "no hostile value was shown anywhere: the check checked nothing"


def _create_hostile_learner(page, watch: Watch, name: str) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stPopover").first.locator("button").first.click()
    page.locator(".st-key-profile_new_name input").fill(name)
    page.locator(".st-key-profile_new_passphrase input").fill("a passphrase of the sweep")
    click(page, "profile_create")
    expect(page.locator(".st-key-profile input")).to_have_value(name)
    assert_clean(page, watch, "new learner")
    page.keyboard.press("Escape")
    sidebar.get_by_test_id("stPopover").last.locator("button").first.click()  # set a passphrase
    type_into(page, page.locator(".st-key-profile_set_passphrase input"))
    click(page, "profile_save_passphrase")
    assert_clean(page, watch, "set passphrase")
    page.keyboard.press("Escape")


def _hostile_uploads(page, tmp_path: Path, path: str, watch: Watch) -> None:
    """The page's file inputs get hostile files: names, headers and keys with markup."""
    if path == "stats":
        bad = tmp_path / f"{NAME[:30]}.json".replace("/", "_")
        bad.write_text(
            json.dumps(
                {
                    LINK: [{"question_id": IMAGE, "reviewed_at": "9999-12-31T23:59:59Z"}],
                    "reviews": [{"question_id": f"{DIRECTIVE} {LATEX}", "rating": 9}],
                }
            )
        )
        deep = tmp_path / "deep.json"
        deep.write_text("[" * 100_000 + "]" * 100_000)  # a RecursionError traceback before
        for upload in (bad, deep):
            files = page.locator(".st-key-stats_import_file input[type='file']")
            after_run(page, lambda f=files, u=upload: f.set_input_files(str(u)))
            click(page, "stats_import_go")
            assert_clean(page, watch, f"/stats import {upload.name}")
    elif path == "lab":
        main = page.get_by_test_id("stMain")
        main.get_by_role("tab").nth(3).click()  # Training
        after_run(page, page.locator(".st-key-lab_task label").last.click)  # your own task
        wide = ",".join(f"c{i}" for i in range(100_000))  # its refusal once quoted every name
        for name, text in (
            ("task.csv", f"{LINK},{IMAGE}\n{HTML},{DIRECTIVE}\n"),
            ("wide.csv", f"{LINK},{wide}\nMKV,1\n"),
            ("task.fasta", f">{LINK} {LATEX} {'h' * 900_000}\nMKV\n"),
        ):
            upload = tmp_path / name
            upload.write_text(text)
            files = page.locator(".st-key-lab_upload input[type='file']")
            after_run(page, lambda f=files, u=upload: f.set_input_files(str(u)))
            assert_clean(page, watch, f"/lab upload {name}")
            message = page.get_by_test_id("stAlertContentError").all_inner_texts()
            assert all(len(m) < 1_000 for m in message), f"{name}: a long message: {message}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_input_on_every_page(open_page, lang: str, tmp_path: Path) -> None:
    """Sidebar pop-ups, then per page: sections, tabs, mode switches, uploads and answers."""
    page, watch = open_page(lang), open_page.watch
    started = time.perf_counter()
    goto(page, f"{open_page.url}/?lang={lang}")
    name = f"{lang} {NAME}"
    _create_hostile_learner(page, watch, name)
    nav = page.get_by_test_id("stTopNavLink")
    for index, path in enumerate(PAGES):
        follow_link(page, nav.nth(index))  # the same session: the learner stays open
        sweep_view(page, f"/{path}", watch)
        sweep_switches(page, path, watch)
        _hostile_uploads(page, tmp_path, path, watch)
        if path == "quiz":
            _hostile_answers(page, watch)
        print(
            f"{lang} /{path}: {len(watch.typed)} boxes so far, {time.perf_counter() - started:.0f} s"
        )
    # a reload naming the learner asks for the passphrase (a box the session above never showed)
    other = open_page(lang)
    goto(other, f"{open_page.url}/quiz?learner={quote(name)}&lang={lang}")
    other.locator(".st-key-profile_passphrase input").wait_for()
    fill_boxes(other, other.get_by_test_id("stSidebar"), "/unlock", watch)
    click(other, "profile_unlock")
    assert_clean(other, watch, "unlock")
    typed = {name for _, name in watch.typed}
    print(f"{lang}: {len(typed)} boxes in {time.perf_counter() - started:.0f} s: {sorted(typed)}")
    missed = {b for b in EXPECTED_BOXES if not any(name.startswith(b) for name in typed)}
    assert not missed, f"the sweep no longer reaches these inputs: {missed}"


def _hostile_answers(page, watch: Watch) -> None:
    """Typed answers are graded and shown back: the daily card, cram and a mock interview."""
    for mode, key in ((0, "review"), (1, "cram")):
        option = page.locator(".st-key-quiz_mode button").nth(mode)
        if option.get_attribute("aria-checked") != "true":
            settle_after(page, option.click)  # no run when the option was already on
        type_into(page, page.locator(f"[class*='st-key-{key}_answer_'] textarea").first)
        click(page, f"{key}_reveal")
        assert_clean(page, watch, f"/quiz {key} revealed")
    after_run(page, page.locator(".st-key-quiz_mode button").nth(2).click)
    click(page, "mock_start")
    type_into(page, page.locator("[class*='st-key-mock_answer_'] textarea").first)
    click(page, "mock_submit")
    click(page, "mock_end")
    assert_clean(page, watch, "/quiz mock report")


def test_a_study_group_with_hostile_names_and_answers(open_page) -> None:
    """The presenter (zh) sees a learner's (en) hostile name and answer as text."""
    watch = open_page.watch
    host = open_page("zh")
    goto(host, f"{open_page.url}/group?lang=zh")
    after_run(host, host.locator(".st-key-group_role button").last.click)  # presenter
    click(host, "group_create")
    host.locator(".st-key-group_code").wait_for()
    wait_idle(host)
    code = host.locator(".st-key-group_code [data-testid='stMetricValue']").inner_text().strip()
    learner = open_page("en")
    goto(learner, f"{open_page.url}/group?room={code}&lang=en")
    learner.locator(".st-key-group_join_name input").fill(GROUP_NAME)
    click(learner, "group_join")
    waiting = learner.get_by_test_id("stAlertContentInfo")  # "waiting for the first question"
    waiting.wait_for()
    assert learner.get_by_text(GROUP_NAME).count() == 1, learner.locator("body").inner_text()
    assert_clean(learner, watch, "joined")
    host.locator(".st-key-group_timer input").fill("999999999")
    host.locator(".st-key-group_timer input").press("Enter")
    wait_idle(host)
    click(host, "group_open_next")
    box = learner.locator(".st-key-group_answer textarea")
    box.wait_for()  # the learner's poll brought the question
    type_into(learner, box)
    click(learner, "group_submit")
    try:
        box.wait_for(state="detached")  # stored: the learner now waits for the reveal
    except PlaywrightTimeoutError:
        pytest.fail(f"the answer was not taken: {learner.locator('body').inner_text()[:1500]}")
    host.wait_for_function(
        "() => (document.querySelector(\".st-key-group_counts [data-testid='stMetricValue']\")"
        "?.innerText || '').trim().startsWith('1/')"
    )
    click(host, "group_reveal")
    open_sections(host, host.get_by_test_id("stMain"))
    host.locator(".st-key-group_show_names label").click()
    wait_idle(host)
    learner.locator(".st-key-group_answer textarea").wait_for(state="detached")
    wait_idle(learner)
    assert_clean(host, watch, "presenter")
    assert_clean(learner, watch, "learner")


def _poll_health(url: str, stop: threading.Event, latencies: list[float]) -> None:
    while not stop.is_set():
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
                response.read()
        except OSError:
            latencies.append(99.0)
        else:
            latencies.append(time.perf_counter() - start)
        stop.wait(0.1)  # the polling interval (not a wait for the app)


def test_a_backtracking_regex_in_the_lab_keeps_the_server_answering(open_page) -> None:
    """Issue 12, failure 1: `(.+)+X` froze /_stcore/health and every session for minutes."""
    page, watch = open_page("en"), open_page.watch
    goto(page, f"{open_page.url}/lab?lang=en")
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_test_id("stMetricValue").first).to_be_visible()
    page.get_by_text("More settings (regex, layers").click()
    extra = page.get_by_role("textbox", name="Extra targets (comma-separated names, or one regex)")
    stop, latencies = threading.Event(), []
    poller = threading.Thread(target=_poll_health, args=(open_page.url, stop, latencies))
    poller.start()
    try:
        # joined with the query/value presets into one pattern that Python's re would have run
        # on every module name (minutes on names such as esm.embeddings.word_embeddings)
        extra.fill(REGEX)
        extra.press("Enter")
        wait_idle(page)
        expect(main.get_by_test_id("stMetricValue").first).to_have_text("164,802")
        polls = len(latencies)
        while len(latencies) < polls + 5:  # a few more polls after the count came back
            stop.wait(0.1)
    finally:
        stop.set()
        poller.join()
    print(f"/_stcore/health: {len(latencies)} polls, worst {max(latencies):.3f} s")  # for -s runs
    assert latencies and max(latencies) < 1.0, f"health answered in up to {max(latencies):.2f} s"
    assert_clean(page, watch, "lab regex")
