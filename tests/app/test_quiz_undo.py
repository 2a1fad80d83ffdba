"""Exact undo in the quiz (issue 14), on SQLite and PostgreSQL: the replayed sequence finds one
review row per grade, undo brings back the card, its typed answer and the rest of a follow-up
drill, cram can undo, and switching learner drops the previous learner's drill."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

import ui.core
from studykit.bank import Bank
from studykit.progress_location import database_url
from studykit.schema import BankFile
from studykit.store import metadata, open_store
from tests.support.quiz_app import card_on_screen, grade, logged_cards, metric_shown, open_quiz
from tests.support.quiz_bank import FIXTURE


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


def test_issue_sequence_writes_one_review_per_grade(backend: str) -> None:
    at = open_quiz("en")
    assert grade(at) == "fx-q1"
    assert grade(at, typed="B=0 at the start") == "fx-q1#f1"
    at.button(key="review_undo").click().run()
    # the follow-up is back, unrevealed, with what was typed, and the rest of its drill follows
    assert card_on_screen(at) == "fx-q1#f1"
    assert at.text_area(key="review_answer_fx-q1#f1").value == "B=0 at the start"
    assert logged_cards() == ["fx-q1"]
    at.button(key="review_skip_fu").click().run()
    assert grade(at) == "fx-q2"
    at.button(key="review_skip_fu").click().run()
    # fx-q1 does not come back as new: the queue moved on, counters follow the log
    assert card_on_screen(at) == "fx-q3"
    assert metric_shown(at, "New") == "2"
    assert metric_shown(at, "Reviewed today") == "2"
    assert grade(at) == "fx-q3"
    assert logged_cards() == ["fx-q1", "fx-q2", "fx-q3"]


def test_undo_of_a_follow_up_keeps_the_rest_of_the_drill(backend: str) -> None:
    at = open_quiz("en")
    grade(at)
    grade(at)  # fx-q1#f1
    at.button(key="review_undo").click().run()
    assert grade(at) == "fx-q1#f1"
    assert grade(at) == "fx-q1#f2"
    assert logged_cards() == ["fx-q1", "fx-q1#f1", "fx-q1#f2"]
    # undo twice: back to the main question's follow-up 2, then to follow-up 1
    at.button(key="review_undo").click().run()
    at.button(key="review_undo").click().run()
    assert card_on_screen(at) == "fx-q1#f1"
    assert logged_cards() == ["fx-q1"]


def test_undo_of_a_main_question_restores_its_typed_answer(backend: str) -> None:
    at = open_quiz("en")
    at.session_state["review_drill"] = False
    grade(at, typed="low-rank ΔW = BA")
    at.button(key="review_undo").click().run()
    assert card_on_screen(at) == "fx-q1"
    assert at.text_area(key="review_answer_fx-q1").value == "low-rank ΔW = BA"
    assert logged_cards() == [] and metric_shown(at, "New") == "4"


def test_cram_undo_restores_position_and_log(backend: str) -> None:
    at = open_quiz("en", "cram")
    at.session_state["cram_drill"] = False
    first = grade(at, typed="frozen", prefix="cram")
    second = grade(at, prefix="cram")
    assert logged_cards("cram") == [first, second]
    at.button(key="cram_undo").click().run()
    assert card_on_screen(at, "cram") == second
    assert logged_cards("cram") == [first]
    at.button(key="cram_undo").click().run()
    assert card_on_screen(at, "cram") == first
    assert at.text_area(key=f"cram_answer_{first}").value == "frozen"
    assert logged_cards("cram") == [] and logged_cards("review") == []
    assert any("Question 1 of 4" in p.proto.text for p in at.get("progress"))


def test_switching_learner_drops_the_drill(backend: str) -> None:
    at = open_quiz("en")
    grade(at)
    assert card_on_screen(at) == "fx-q1#f1"
    store = open_store(database_url())
    store.ensure_profile("bob")
    store.dispose()
    at.run()
    at.sidebar.selectbox(key="profile").set_value("bob").run()
    assert not at.exception
    assert card_on_screen(at) == "fx-q1"  # bob starts at his own queue, not alice's drill
    assert "review_undo" not in {b.key for b in at.button}
