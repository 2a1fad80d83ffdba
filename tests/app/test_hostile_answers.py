"""Typed answers are cut to MAX_ANSWER_CHARS on the server before anything grades them.

Issue 12, failure 8: a 1,000,000-character answer took 15.8 s to grade and slowed other
learners' pages. The boxes carry max_chars, and the server cuts whatever still arrives.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import studykit.mock
from studykit.answer_limits import MAX_ANSWER_CHARS
from tests.support.quiz_app import log_rows, open_quiz, use_bank
from tests.support.quiz_bank import fixture_bank

HUGE = "low-rank decomposition " * 50_000  # 1.15 M characters


def test_a_huge_answer_on_the_card_is_cut_before_grading(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_bank(monkeypatch, fixture_bank())
    at = open_quiz("en")
    box = at.text_area(key="review_answer_fx-q1")
    assert box.proto.max_chars == MAX_ANSWER_CHARS
    at.session_state["review_answer_fx-q1"] = HUGE  # what a client ignoring max_chars sends
    at.button(key="review_reveal").click().run()
    assert not at.exception
    assert len(at.session_state["review_typed_fx-q1"]) == MAX_ANSWER_CHARS
    assert any(m.label == "Key-point coverage" for m in at.metric)  # graded, on the cut text
    at.button(key="review_rate_3").click().run()
    assert len(log_rows("review")) == 1


def test_a_huge_mock_answer_reaches_the_grader_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    real = studykit.mock.grade_answer
    monkeypatch.setattr(
        studykit.mock,
        "grade_answer",
        lambda typed, kps: seen.append(len(typed)) or real(typed, kps),
    )
    bank = fixture_bank()
    question = bank.questions[0]
    answer, result = studykit.mock.score_mock_answer(
        question.id, None, HUGE, question.answer.key_points, 12.0
    )
    assert seen == [MAX_ANSWER_CHARS] and result is not None and answer.total > 0
