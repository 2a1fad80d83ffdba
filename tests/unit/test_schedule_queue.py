"""What comes next in a session: undo's card first, next due date, cram order, follow-up drill."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from studykit.follow_up_rules import follow_ups_after_grade, live_follow_ups
from studykit.question_filters import shuffled_ids
from studykit.schedule import front_first, new_card, next_due
from tests.support.quiz_bank import fixture_bank

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def test_front_first_moves_a_queued_key_to_the_head_only() -> None:
    assert front_first(["a", "b", "c"], "c") == ["c", "a", "b"]
    assert front_first(["a", "b"], "z") == ["a", "b"]
    assert front_first(["a", "b"], None) == ["a", "b"]
    assert front_first([], "a") == []


def test_next_due_among_the_filtered_questions() -> None:
    questions = fixture_bank().questions
    cards = {
        "fx-q1": new_card("fx-q1", T0 + timedelta(days=3)),
        "fx-q2": new_card("fx-q2", T0 + timedelta(days=1)),
        "gone": new_card("gone", T0),
    }
    assert next_due(cards, questions) == T0 + timedelta(days=1)
    assert next_due(cards, [questions[0]]) == T0 + timedelta(days=3)
    assert next_due({}, questions) is None


def test_shuffled_ids_is_a_seeded_permutation() -> None:
    questions = fixture_bank().questions
    first = shuffled_ids(questions, seed=7)
    assert sorted(first) == sorted(q.id for q in questions)
    assert shuffled_ids(questions, seed=7) == first


def test_follow_ups_after_grading_a_main_question() -> None:
    assert follow_ups_after_grade([], "q1", None, 2, drill=True) == [("q1", 1), ("q1", 2)]
    assert follow_ups_after_grade([], "q1", None, 2, drill=False) == []
    assert follow_ups_after_grade([("q9", 1)], "q1", None, 1, drill=True) == [
        ("q1", 1),
        ("q9", 1),
    ]


def test_a_graded_follow_up_leaves_the_head_and_the_input_is_untouched() -> None:
    pending = [("q1", 1), ("q1", 2)]
    assert follow_ups_after_grade(pending, "q1", 1, 2, drill=True) == [("q1", 2)]
    assert follow_ups_after_grade(pending, "q1", 2, 2, drill=True) == pending  # not the head
    assert pending == [("q1", 1), ("q1", 2)]


def test_live_follow_ups_drops_leading_steps_gone_from_the_bank() -> None:
    by_id = fixture_bank().by_id()  # fx-q1 has two follow-ups
    pending = [("gone", 1), ("fx-q1", 3), ("fx-q1", 2), ("gone", 1)]
    assert live_follow_ups(pending, by_id) == [("fx-q1", 2), ("gone", 1)]
    assert live_follow_ups([("gone", 1)], by_id) == []
