"""Follow-ups as cards in the daily review (issue 14): a follow-up graded Again in yesterday's drill
comes back in today's queue under its parent's prompt (the parent's answer hidden), is graded like a
main question (typed answer -> feedback and a proposed grade), its buttons show the real FSRS
intervals, and once graded it is not asked again the same day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import ui.core
import ui.quiz.card_grading
import ui.quiz.daily_review
from studykit.intervals import format_interval
from studykit.schedule import make_scheduler, preview_intervals, replay
from tests.support.quiz_app import card_on_screen, grade, log_rows, open_quiz
from tests.support.quiz_bank import fixture_bank


class Clock:
    """The quiz's clock (grades are written at its time; the queue is built at its time)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    monkeypatch.setenv("LORA_LAB_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("LORA_LAB_DATABASE_URL", raising=False)
    monkeypatch.setattr(ui.core, "get_bank", fixture_bank)
    st.cache_resource.clear()
    st.cache_data.clear()
    fake = Clock()
    monkeypatch.setattr(ui.quiz.daily_review, "now_utc", fake)
    monkeypatch.setattr(ui.quiz.card_grading, "now_utc", fake)
    yield fake
    st.cache_resource.clear()


def _metric(at: AppTest, index: int) -> str:
    return at.metric[index].value  # due, new, reviewed today


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _yesterdays_drill(clock: Clock, lang: str) -> None:
    """Yesterday: fx-q1 graded Easy, its follow-up 1 Again, its follow-up 2 Easy."""
    clock.now = datetime.now(UTC) - timedelta(days=1)
    at = open_quiz(lang)
    assert grade(at, 4) == "fx-q1"
    assert card_on_screen(at) == "fx-q1#f1"  # the drill asks the new follow-up right away
    assert grade(at, 1) == "fx-q1#f1"
    assert grade(at, 4) == "fx-q1#f2"
    assert card_on_screen(at) == "fx-q2"  # f1 is due in a minute, not yet
    assert [r.card_key for r in log_rows("review")] == ["fx-q1", "fx-q1#f1", "fx-q1#f2"]


def test_a_follow_up_graded_again_comes_back_the_next_day_under_its_parent(clock: Clock) -> None:
    _yesterdays_drill(clock, "en")
    clock.now = datetime.now(UTC)
    at = open_quiz("en")
    assert card_on_screen(at) == "fx-q1#f1"
    assert _metric(at, 0) == "1"  # due today: the follow-up alone (fx-q1, f2: Easy, days away)
    assert any(c.value == "Follow-up 1/2" for c in at.caption)
    shown = _markdown(at)
    assert "What is the principle of LoRA?" in shown  # the parent's prompt, for context
    assert "Why is B initialised to zero?" in shown
    assert "Reference answer to" not in shown  # the parent's answer stays hidden
    assert "review_skip_fu" not in {b.key for b in at.button}  # a queued card, not a drill

    at.text_area(key="review_answer_fx-q1#f1").input("nothing in particular").run()
    at.button(key="review_reveal").click().run()
    assert any(m.label == "Key-point coverage" and m.value == "0%" for m in at.metric)
    assert at.button(key="review_rate_1").proto.type == "primary"  # proposed: Again
    card = replay(log_rows("review"), make_scheduler()).cards["fx-q1#f1"]
    real = preview_intervals(card, "fx-q1#f1", make_scheduler(), clock.now)
    for rating in (1, 2, 3, 4):  # each button shows the FSRS interval of this very card
        label = at.button(key=f"review_rate_{rating}").label
        assert label.endswith(f" · {format_interval(real[rating], 'en')}"), label

    at.button(key="review_rate_3").click().run()
    assert not at.exception, at.exception
    assert [r.card_key for r in log_rows("review")][-1] == "fx-q1#f1"
    assert card_on_screen(at) == "fx-q2"  # graded Good: not asked again today
    assert _metric(at, 0) == "0"


def test_the_drill_skips_a_follow_up_scheduled_for_later(clock: Clock) -> None:
    """Grading a parent again does not re-ask a follow-up whose own card is not due."""
    clock.now = datetime.now(UTC) - timedelta(days=1)
    at = open_quiz("en")
    grade(at, 1)  # fx-q1 Again: it comes back in a minute
    assert grade(at, 4) == "fx-q1#f1"  # new follow-ups are drilled: f1 Easy (days away)
    assert grade(at, 1) == "fx-q1#f2"  # f2 Again (due in a minute)
    clock.now = datetime.now(UTC)
    at = open_quiz("en")
    assert card_on_screen(at) == "fx-q1"  # due parent first
    grade(at, 3)
    assert card_on_screen(at) == "fx-q1#f2"  # the drill asks f2 (due), not f1 (scheduled later)
    grade(at, 3)
    assert card_on_screen(at) == "fx-q2"
    keys = [r.card_key for r in log_rows("review")]
    assert keys.count("fx-q1#f1") == 1 and keys.count("fx-q1#f2") == 2


def test_the_follow_up_card_in_chinese(clock: Clock) -> None:
    _yesterdays_drill(clock, "zh")
    clock.now = datetime.now(UTC)
    at = open_quiz("zh")
    assert any(c.value == "追问 1/2" for c in at.caption)
    assert "LoRA 的基本原理是什么？" in _markdown(at)
    at.button(key="review_reveal").click().run()
    assert at.button(key="review_rate_1").label.startswith("重来 · ")
    assert "分钟" in at.button(key="review_rate_1").label


def test_undo_of_a_queued_follow_up_brings_it_back_first(clock: Clock) -> None:
    _yesterdays_drill(clock, "en")
    clock.now = datetime.now(UTC)
    at = open_quiz("en")
    assert grade(at, 3, typed="B starts at zero") == "fx-q1#f1"
    assert card_on_screen(at) == "fx-q2"
    at.button(key="review_undo").click().run()
    assert card_on_screen(at) == "fx-q1#f1"  # back at the head of the queue, not after fx-q2
    assert at.text_area(key="review_answer_fx-q1#f1").value == "B starts at zero"
    assert [r.card_key for r in log_rows("review")].count("fx-q1#f1") == 1  # yesterday's Again only
