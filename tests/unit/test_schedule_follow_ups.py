"""Follow-ups as FSRS cards in the daily queue: when they enter, when they come back, what the drill
may ask. Fixed clock, fuzzing off; fx-q1 has two follow-ups in the fixture bank."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from studykit.follow_up_rules import drill_may_ask, new_follow_up_keys, parent_learned
from studykit.question_filters import filter_questions
from studykit.schedule import build_queue, make_scheduler, new_seen_on, next_due, replay
from tests.support.quiz_bank import fixture_bank

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
QUESTIONS = fixture_bank().questions


@dataclass(frozen=True)
class R:
    card_key: str
    reviewed_at: datetime
    rating: int
    mode: str = "review"

    @property
    def question_id(self) -> str:
        return self.card_key.partition("#")[0]


def _cards(*log: R) -> dict:
    return replay(log, make_scheduler()).cards


def test_a_brand_new_learner_gets_main_questions_only() -> None:
    queue = build_queue(QUESTIONS, {}, T0, new_limit=20)
    assert queue.due == [] and queue.new == ["fx-q1", "fx-q2", "fx-q3", "fx-q4"]


def test_follow_ups_wait_until_their_parent_is_learned() -> None:
    learning = _cards(R("fx-q1", T0, 3))  # Good on a new card: still in the learning steps
    assert not parent_learned(QUESTIONS[0], learning)
    assert build_queue(QUESTIONS, learning, T0, new_limit=20).new == ["fx-q2", "fx-q3", "fx-q4"]
    learned = _cards(R("fx-q1", T0, 4))  # Easy: graduates to Review
    assert parent_learned(QUESTIONS[0], learned)
    queue = build_queue(QUESTIONS, learned, T0, new_limit=20)
    assert queue.new == ["fx-q1#f1", "fx-q1#f2", "fx-q2", "fx-q3", "fx-q4"]


def test_new_follow_ups_respect_the_daily_new_limit() -> None:
    learned = _cards(R("fx-q1", T0, 4))
    assert build_queue(QUESTIONS, learned, T0, new_limit=1).new == ["fx-q1#f1"]
    assert build_queue(QUESTIONS, learned, T0, new_limit=0).new == []


def test_a_seen_follow_up_is_no_longer_new() -> None:
    cards = _cards(R("fx-q1", T0, 4), R("fx-q1#f1", T0, 3))
    assert new_follow_up_keys(QUESTIONS, cards) == ["fx-q1#f2"]


def test_a_follow_up_graded_again_comes_back_when_due_and_the_next_day() -> None:
    cards = _cards(R("fx-q1", T0, 4), R("fx-q1#f1", T0, 1), R("fx-q1#f2", T0, 4))
    assert build_queue(QUESTIONS, cards, T0 + timedelta(seconds=30)).due == []  # not yet due
    assert build_queue(QUESTIONS, cards, T0 + timedelta(minutes=1)).due == ["fx-q1#f1"]
    tomorrow = T0 + timedelta(days=1)
    assert build_queue(QUESTIONS, cards, tomorrow).due == ["fx-q1#f1"]
    assert next_due(cards, QUESTIONS) == T0 + timedelta(minutes=1)


def test_due_follow_ups_follow_their_parent_on_equal_due_times() -> None:
    cards = _cards(R("fx-q1", T0, 1), R("fx-q1#f2", T0, 1), R("fx-q1#f1", T0, 1))
    later = T0 + timedelta(hours=1)
    assert build_queue(QUESTIONS, cards, later).due == ["fx-q1", "fx-q1#f1", "fx-q1#f2"]


def test_follow_ups_of_filtered_out_or_removed_questions_are_not_queued() -> None:
    cards = _cards(R("fx-q1", T0, 4), R("fx-q1#f1", T0, 1), R("fx-q1#f9", T0, 1))
    later = T0 + timedelta(hours=1)
    assert build_queue(QUESTIONS, cards, later).due == ["fx-q1#f1"]  # f9 left the bank
    memory_only = filter_questions(QUESTIONS, tags=["memory"])
    assert build_queue(memory_only, cards, later).keys == ["fx-q3"]


def test_the_drill_asks_new_or_due_follow_ups_only() -> None:
    cards = _cards(R("fx-q1", T0, 4), R("fx-q1#f1", T0, 4))  # f1 scheduled days ahead
    assert not drill_may_ask("fx-q1#f1", cards, T0 + timedelta(hours=1), new_left=5)
    assert drill_may_ask("fx-q1#f1", cards, T0 + timedelta(days=30), new_left=0)  # due
    assert drill_may_ask("fx-q1#f2", cards, T0, new_left=1)  # new, room left today
    assert not drill_may_ask("fx-q1#f2", cards, T0, new_left=0)  # the day's new cards are used


def test_first_grades_of_follow_ups_count_as_new_cards_of_the_day() -> None:
    history = replay(
        [R("fx-q1", T0, 3), R("fx-q1#f1", T0, 3), R("fx-q1#f1", T0 + timedelta(minutes=9), 3)],
        make_scheduler(),
    ).history
    assert new_seen_on(history, T0) == 2
