"""Scoring one mock-interview answer, the rating it logs, and the interview clock's format."""

from __future__ import annotations

from studykit.mock import format_mmss, mock_rating, score_mock_answer
from tests.support.quiz_bank import fixture_bank


def test_score_mock_answer_counts_covered_points() -> None:
    points = fixture_bank().by_id()["fx-q1"].answer.key_points
    answer, result = score_mock_answer(
        "fx-q1", None, "low-rank decomposition; the base weights are frozen", points, 12.5
    )
    assert result is not None
    assert (answer.question_id, answer.follow_up, answer.seconds) == ("fx-q1", None, 12.5)
    assert (answer.covered, answer.total) == (2, 3)
    assert answer.coverage == result.coverage


def test_a_step_without_key_points_is_not_graded() -> None:
    answer, result = score_mock_answer("fx-q1", 2, "sweep r", [], 3.0)
    assert result is None and (answer.covered, answer.total, answer.coverage) == (0, 0, None)


def test_mock_rating() -> None:
    points = fixture_bank().by_id()["fx-q1"].answer.key_points
    _, graded = score_mock_answer("fx-q1", None, "low-rank decomposition", points, 1.0)
    assert mock_rating(graded, "low-rank decomposition") == graded.proposed
    _, blank = score_mock_answer("fx-q1", None, "", points, 1.0)
    assert mock_rating(blank, "") == 1  # graded but nothing typed: Again
    assert mock_rating(None, "some words") == 3 and mock_rating(None, "  ") == 1


def test_format_mmss() -> None:
    assert format_mmss(0) == "00:00"
    assert format_mmss(59.9) == "00:59"
    assert format_mmss(185) == "03:05"
