"""Real-browser journeys: a Streamlit server on 127.0.0.1 and Debian's headless Chromium via Playwright.

In CI (CI=true) a missing Chromium is an error, never a skip: the browser tests must run there.
The server and page helpers live in tests/support/browser.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.browser import READY_TIMEOUT_MS, start_server, stop_server


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running app with its own empty progress directory; yields its base URL."""
    data_dir = tmp_path_factory.mktemp("lab-data")
    proc, url = start_server(data_dir)
    yield url
    stop_server(proc)


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(READY_TIMEOUT_MS)
    yield page
    context.close()
