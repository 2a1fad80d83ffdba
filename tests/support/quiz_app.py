"""Driving the study pages in AppTest: open the quiz, grade cards, read metrics and the review log."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import ui.core
from studykit.bank import Bank, load_bank
from studykit.progress_location import database_url
from studykit.store import open_store
from tests.support.app_session import open_app
from tests.support.quiz_bank import fixture_bank


def real_or_fixture() -> Bank:
    """The real bank when it has two questions or more, else the small fixture bank."""
    real = load_bank()
    return real if len(real.questions) >= 2 else fixture_bank()


def use_bank(monkeypatch: pytest.MonkeyPatch, bank: Bank) -> Bank:
    """Make every page of this test see `bank`."""
    monkeypatch.setattr(ui.core, "get_bank", lambda: bank)
    return bank


def open_quiz(lang: str = "zh", mode: str | None = None) -> AppTest:
    """The app switched to the quiz page (and to `mode`, when given), with no exception."""
    at = open_app("pages/quiz.py", lang)
    if mode:
        at.button_group(key="quiz_mode").set_value(mode).run()
    assert not at.exception, at.exception
    return at


def card_on_screen(at: AppTest, prefix: str = "review") -> str:
    """The card key of the unrevealed card shown (from its answer box's key)."""
    (box,) = [a for a in at.text_area if a.key and a.key.startswith(f"{prefix}_answer_")]
    return box.key.removeprefix(f"{prefix}_answer_")


def grade(at: AppTest, rating: int = 3, typed: str = "", prefix: str = "review") -> str:
    """Type `typed` (if any), reveal and rate the card shown; returns its card key."""
    key = card_on_screen(at, prefix)
    if typed:
        at.text_area(key=f"{prefix}_answer_{key}").input(typed).run()
    at.button(key=f"{prefix}_reveal").click().run()
    at.button(key=f"{prefix}_rate_{rating}").click().run()
    assert not at.exception, at.exception
    return key


def log_rows(mode: str | None = None) -> list:
    """The default profile's review log (rows of `mode` only, when given)."""
    store = open_store(database_url())
    try:
        profile = store.get_profile("default")
        rows = store.reviews(profile.id) if profile else []
    finally:
        store.dispose()
    return [r for r in rows if mode is None or r.mode == mode]


def logged_cards(mode: str = "review") -> list[str]:
    """The card keys of the default profile's review log in `mode`, oldest first."""
    return [r.card_key for r in log_rows(mode)]


def metric_shown(at: AppTest, label: str) -> str:
    """The value of the metric whose label reads `label`."""
    return next(m.value for m in at.metric if m.label == label)


def metric(at: AppTest, label_key: str) -> str:
    """The value of the metric labelled by the locale key `label_key`."""
    from studykit.i18n import translate

    label = translate(label_key, at.session_state["lang"])
    return next(m.value for m in at.metric if m.label == label)
