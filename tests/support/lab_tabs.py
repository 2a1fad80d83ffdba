"""Open one of the Lab's tabs in an AppTest (only the open tab runs: ui/lab/lazy_tabs.py)."""

from __future__ import annotations

import time

from streamlit.testing.v1 import AppTest

from studykit.i18n import LANGUAGES, translate
from ui.lab.lazy_tabs import NAMES, OPEN


def show_tab(at: AppTest, name: str) -> AppTest:
    """Open tab `name` ("train", "merge", ...) as a click on it does (the page keeps it open by
    name, ui/lab/lazy_tabs.py), and rerun."""
    assert name in NAMES, name
    at.session_state[OPEN] = name
    return at.run()


# what the panel shows when a training ended, in both languages (the locale's own texts; the
# "done" message up to the task's name)
ENDED = tuple(
    text
    for lang in LANGUAGES
    for text in (
        translate("lab.train.done", lang, task="\0").split("\0")[0],
        translate("lab.train.stopped", lang),
    )
)


def train_until_done(at: AppTest, timeout: float = 300) -> AppTest:
    """Press Train, then rerun the page (as the live view's polls do in a browser) until the
    training shows that it ended or failed."""
    at.button(key="lab_train_go").click().run(timeout=timeout)
    deadline = time.monotonic() + timeout
    while not _ended(at):
        if time.monotonic() > deadline:
            raise TimeoutError("the training did not end")
        time.sleep(0.5)
        at.run(timeout=timeout)
    return at


def _ended(at: AppTest) -> bool:
    if at.exception or at.error:
        return True
    shown = [e.value for e in (*at.success, *at.warning)]
    return any(word in text for text in shown for word in ENDED)
