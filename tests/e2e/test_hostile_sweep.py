"""A hostile-input sweep in a real browser (issue 12): every page, both languages, hostile
values in every query parameter and every visible text box.

Fails on any request to a host other than 127.0.0.1/localhost (fonts and icons included: the
browser's requests are recorded), on any Streamlit exception element, page error or traceback,
and on a link or image that points at the hostile host. The Lab's regex field gets the
catastrophic-backtracking pattern while another client polls /_stcore/health.
"""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import expect

from tests.support.browser import READY_TIMEOUT_MS, wait_idle

pytestmark = pytest.mark.e2e

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
HOSTILE = [
    "[Session expired - click to log in again](http://evil.example/login)",
    "![i](http://evil.example/track.png) :red[x] $\\frac{1}{0}$ <img src=http://evil.example/x>",
]
PAGES = ["", "browse", "notes", "quiz", "stats", "lab"]
PARAMS = ("q", "exp", "learner", "id", "tab")


class Watch:
    """Everything the browser did that the sweep refuses."""

    def __init__(self) -> None:
        self.outside: list[str] = []
        self.page_errors: list[str] = []

    def on_request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.hostname not in LOCAL_HOSTS:
            self.outside.append(request.url)


@pytest.fixture
def watched(browser) -> Iterator[tuple[object, Watch]]:
    watch = Watch()
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    context.on("request", watch.on_request)
    page = context.new_page()
    page.on("pageerror", lambda exc: watch.page_errors.append(str(exc)))
    page.set_default_timeout(READY_TIMEOUT_MS)
    yield page, watch
    context.close()


def assert_clean(page, watch: Watch, where: str) -> None:
    assert not watch.outside, f"{where}: requests left 127.0.0.1: {watch.outside[:5]}"
    assert not watch.page_errors, f"{where}: page errors: {watch.page_errors[:3]}"
    expect(page.get_by_test_id("stException")).to_have_count(0)
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and 'File "/' not in body, where
    outside_links = page.evaluate(
        """() => [...document.querySelectorAll('a[href], img[src]')]
            .map(e => new URL(e.getAttribute('href') || e.getAttribute('src'), location.href))
            .filter(u => u.protocol.startsWith('http') && !['127.0.0.1', 'localhost'].includes(u.hostname))
            .map(u => u.href)"""
    )
    hostile = [link for link in outside_links if "evil.example" in link]
    assert not hostile, f"{where}: links or images to another host: {hostile[:3]}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_with_hostile_query_parameters_and_text(app_server: str, watched, lang) -> None:
    page, watch = watched
    for value in HOSTILE:
        query = "&".join(f"{name}={quote(value)}" for name in PARAMS) + f"&lang={lang}"
        for path in PAGES:
            where = f"/{path}?{query[:60]}…"
            page.goto(f"{app_server}/{path}?{query}")
            wait_idle(page)
            assert_clean(page, watch, where)
    for path in PAGES:  # every visible text box: type the hostile value and submit it
        page.goto(f"{app_server}/{path}?lang={lang}")
        wait_idle(page)
        main = page.get_by_test_id("stMainBlockContainer")
        boxes = main.locator("input[type='text']:visible, textarea:visible")
        for i in range(boxes.count()):
            box = boxes.nth(i)
            if not box.is_editable():
                continue
            box.fill(HOSTILE[1])
            box.press("Control+Enter" if box.evaluate("e => e.tagName") == "TEXTAREA" else "Enter")
            wait_idle(page)
            assert_clean(page, watch, f"/{path} text box {i}")


def _poll_health(url: str, stop: threading.Event, worst: list[float]) -> None:
    while not stop.is_set():
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
                response.read()
        except OSError:
            worst.append(99.0)
        else:
            worst.append(time.perf_counter() - start)
        time.sleep(0.1)


def test_a_backtracking_regex_in_the_lab_keeps_the_server_answering(
    app_server: str, watched
) -> None:
    """Issue 12, failure 1: `(.+)+X` froze /_stcore/health and every session for minutes."""
    page, watch = watched
    page.goto(f"{app_server}/lab?lang=en")
    wait_idle(page)
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_test_id("stMetricValue").first).to_be_visible()
    page.get_by_text("More settings (regex, layers").click()
    extra = page.get_by_role("textbox", name="Extra targets (comma-separated names, or one regex)")
    stop, latencies = threading.Event(), []
    poller = threading.Thread(target=_poll_health, args=(app_server, stop, latencies))
    poller.start()
    try:
        # joined with the query/value presets into one pattern that Python's re would have run
        # on every module name (minutes on names such as esm.embeddings.word_embeddings)
        extra.fill("(.+)+X")
        extra.press("Enter")
        wait_idle(page)
        expect(main.get_by_test_id("stMetricValue").first).to_have_text("164,802")
        time.sleep(1.0)  # a few more polls after the count came back
    finally:
        stop.set()
        poller.join()
    print(f"/_stcore/health: {len(latencies)} polls, worst {max(latencies):.3f} s")  # for -s runs
    assert latencies and max(latencies) < 1.0, f"health answered in up to {max(latencies):.2f} s"
    assert_clean(page, watch, "lab regex")
