"""Open one of the Lab's tabs in an AppTest (only the open tab runs: ui/lab/lazy_tabs.py)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui.lab.lazy_tabs import NAMES, OPEN


def show_tab(at: AppTest, name: str) -> AppTest:
    """Open tab `name` ("train", "merge", ...) as a click on it does (the page keeps it open by
    name, ui/lab/lazy_tabs.py), and rerun."""
    assert name in NAMES, name
    at.session_state[OPEN] = name
    return at.run()
