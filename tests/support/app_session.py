"""Open the app in AppTest the way a browser session starts."""

from __future__ import annotations

from collections.abc import Mapping

from streamlit.testing.v1 import AppTest

from tests.support.paths import ROOT

APP = str(ROOT / "app.py")


def open_app(
    page: str | None = None,
    lang: str = "zh",
    query: Mapping[str, str] | None = None,
    state: Mapping[str, object] | None = None,
    timeout: float = 60,
    check: bool = True,
) -> AppTest:
    """Open a page the way a user does: run the router, then switch (home when `page` is None).

    `query` is the URL's query parameters, `state` extra session state set before the first run;
    with `check`, the app must have raised no exception.
    """
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.session_state["lang"] = lang
    for key, value in (state or {}).items():
        at.session_state[key] = value
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    if check:
        assert not at.exception, [e.value for e in at.exception]
    return at
