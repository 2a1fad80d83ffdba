"""Exact undo in the quiz (issue 14), on SQLite and PostgreSQL: the replayed sequence finds one
review row per grade, undo brings back the card, its typed answer and the rest of a follow-up
drill, cram can undo, and switching learner drops the previous learner's drill."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import ui.core
from studykit.bank import Bank
from studykit.progress_location import database_url
from studykit.schema import BankFile
from studykit.store import metadata, open_store
from tests.support.quiz_bank import FIXTURE

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _bank_with_two_drills() -> Bank:
    """The fixture bank, with fx-q1's two follow-ups also on fx-q2."""
    data = copy.deepcopy(FIXTURE)
    data["questions"][1]["follow_ups"] = copy.deepcopy(data["questions"][0]["follow_ups"])
    return Bank(files=[BankFile.model_validate(data)])


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    monkeypatch.setenv("LORA_LAB_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("LORA_LAB_DATABASE_URL", raising=False)
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
        monkeypatch.setenv("LORA_LAB_DATABASE_URL", url)
        _drop(url)
    st.cache_resource.clear()
    st.cache_data.clear()
    monkeypatch.setattr(ui.core, "get_bank", _bank_with_two_drills)
    yield request.param
    st.cache_resource.clear()
    if request.param == "postgresql":
        _drop(database_url())


def _drop(url: str) -> None:
    store = open_store(url)
    metadata.drop_all(store.engine)
    store.dispose()


def _open(mode: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("pages/quiz.py")
    at.run()
    if mode:
        at.button_group(key="quiz_mode").set_value(mode).run()
    assert not at.exception, at.exception
    return at


def _card_on_screen(at: AppTest, prefix: str = "review") -> str:
    """The card key of the unrevealed card shown (from its answer box's key)."""
    (box,) = [a for a in at.text_area if a.key and a.key.startswith(f"{prefix}_answer_")]
    return box.key.removeprefix(f"{prefix}_answer_")


def _grade(at: AppTest, rating: int = 3, typed: str = "", prefix: str = "review") -> str:
    key = _card_on_screen(at, prefix)
    if typed:
        at.text_area(key=f"{prefix}_answer_{key}").input(typed).run()
    at.button(key=f"{prefix}_reveal").click().run()
    at.button(key=f"{prefix}_rate_{rating}").click().run()
    assert not at.exception, at.exception
    return key


def _rows(mode: str = "review") -> list[str]:
    store = open_store(database_url())
    try:
        profile = store.get_profile("default")
        return [r.card_key for r in store.reviews(profile.id) if r.mode == mode]
    finally:
        store.dispose()


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_issue_sequence_writes_one_review_per_grade(backend: str) -> None:
    at = _open()
    assert _grade(at) == "fx-q1"
    assert _grade(at, typed="B=0 at the start") == "fx-q1#f1"
    at.button(key="review_undo").click().run()
    # the follow-up is back, unrevealed, with what was typed, and the rest of its drill follows
    assert _card_on_screen(at) == "fx-q1#f1"
    assert at.text_area(key="review_answer_fx-q1#f1").value == "B=0 at the start"
    assert _rows() == ["fx-q1"]
    at.button(key="review_skip_fu").click().run()
    assert _grade(at) == "fx-q2"
    at.button(key="review_skip_fu").click().run()
    # fx-q1 does not come back as new: the queue moved on, counters follow the log
    assert _card_on_screen(at) == "fx-q3"
    assert _metric(at, "New") == "2"
    assert _metric(at, "Reviewed today") == "2"
    assert _grade(at) == "fx-q3"
    assert _rows() == ["fx-q1", "fx-q2", "fx-q3"]


def test_undo_of_a_follow_up_keeps_the_rest_of_the_drill(backend: str) -> None:
    at = _open()
    _grade(at)
    _grade(at)  # fx-q1#f1
    at.button(key="review_undo").click().run()
    assert _grade(at) == "fx-q1#f1"
    assert _grade(at) == "fx-q1#f2"
    assert _rows() == ["fx-q1", "fx-q1#f1", "fx-q1#f2"]
    # undo twice: back to the main question's follow-up 2, then to follow-up 1
    at.button(key="review_undo").click().run()
    at.button(key="review_undo").click().run()
    assert _card_on_screen(at) == "fx-q1#f1"
    assert _rows() == ["fx-q1"]


def test_undo_of_a_main_question_restores_its_typed_answer(backend: str) -> None:
    at = _open()
    at.session_state["review_drill"] = False
    _grade(at, typed="low-rank ΔW = BA")
    at.button(key="review_undo").click().run()
    assert _card_on_screen(at) == "fx-q1"
    assert at.text_area(key="review_answer_fx-q1").value == "low-rank ΔW = BA"
    assert _rows() == [] and _metric(at, "New") == "4"


def test_cram_undo_restores_position_and_log(backend: str) -> None:
    at = _open("cram")
    at.session_state["cram_drill"] = False
    first = _grade(at, typed="frozen", prefix="cram")
    second = _grade(at, prefix="cram")
    assert _rows("cram") == [first, second]
    at.button(key="cram_undo").click().run()
    assert _card_on_screen(at, "cram") == second
    assert _rows("cram") == [first]
    at.button(key="cram_undo").click().run()
    assert _card_on_screen(at, "cram") == first
    assert at.text_area(key=f"cram_answer_{first}").value == "frozen"
    assert _rows("cram") == [] and _rows("review") == []
    assert any("Question 1 of 4" in p.proto.text for p in at.get("progress"))


def test_switching_learner_drops_the_drill(backend: str) -> None:
    at = _open()
    _grade(at)
    assert _card_on_screen(at) == "fx-q1#f1"
    store = open_store(database_url())
    store.ensure_profile("bob")
    store.dispose()
    at.run()
    at.sidebar.selectbox(key="profile").set_value("bob").run()
    assert not at.exception
    assert _card_on_screen(at) == "fx-q1"  # bob starts at his own queue, not alice's drill
    assert "review_undo" not in {b.key for b in at.button}
