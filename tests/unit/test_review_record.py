"""A grade becomes one log row; grading columns only when a typed answer was graded."""

from __future__ import annotations

from datetime import UTC, datetime

from studykit.grading import grade_answer
from studykit.review_record import due_now_review, graded_review, group_answer_review
from studykit.rooms.tally import Graded
from tests.support.quiz_bank import fixture_bank

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def test_graded_review_with_and_without_a_typed_answer() -> None:
    points = fixture_bank().by_id()["fx-q1"].answer.key_points
    result = grade_answer("a low-rank decomposition", points)
    row = graded_review(
        "fx-q1", None, rating=4, mode="review", reviewed_at=T0, duration_ms=1500, result=result
    )
    assert (row.card_key, row.rating, row.mode, row.duration_ms) == ("fx-q1", 4, "review", 1500)
    assert row.proposed_rating == result.proposed and row.coverage == result.coverage
    assert row.missed_points == (1, 2)
    blank = graded_review(
        "fx-q1", 2, rating=3, mode="cram", reviewed_at=T0, duration_ms=0, result=None
    )
    assert blank.card_key == "fx-q1#f2"
    assert (blank.proposed_rating, blank.coverage, blank.missed_points) == (None, None, None)
    empty = grade_answer("", points)  # nothing typed: no coverage, no missed points
    row = graded_review(
        "fx-q1", None, rating=1, mode="mock", reviewed_at=T0, duration_ms=0, result=empty
    )
    assert row.coverage is None and row.missed_points is None


def test_a_group_answer_is_a_daily_review_grade_of_the_graders_proposal() -> None:
    graded = Graded(0.5, ("covered", "partial", "missed"), None, proposed=2)
    row = group_answer_review("fx-q1", graded, T0)
    assert (row.card_key, row.mode, row.rating, row.proposed_rating) == ("fx-q1", "review", 2, 2)
    assert (row.coverage, row.missed_points) == (0.5, (1, 2))
    unrated = group_answer_review("fx-q1", Graded(0.0, ("missed",), None, proposed=None), T0)
    assert (unrated.rating, unrated.proposed_rating) == (1, None)


def test_sending_a_question_to_the_quiz_is_an_again_grade() -> None:
    row = due_now_review("fx-q2", T0)
    assert (row.card_key, row.mode, row.rating, row.reviewed_at) == ("fx-q2", "review", 1, T0)
    assert (row.coverage, row.missed_points, row.proposed_rating) == (None, None, None)
