"""A group answer in the learner's own progress (when they chose a profile on joining)."""

from __future__ import annotations

from datetime import UTC, datetime

from studykit.review_record import due_now_review, group_answer_review
from studykit.rooms.tally import Graded
from studykit.store import ProgressStore


def record_answer(store: ProgressStore, profile_id: int, question_id: str, graded: Graded) -> None:
    """Log the answer as a review graded by the grader's proposal (as a typed self-quiz answer)."""
    store.add_review(profile_id, group_answer_review(question_id, graded, datetime.now(UTC)))


def send_to_self_quiz(store: ProgressStore, profile_id: int, question_id: str) -> None:
    """Put the question at the front of the learner's daily review: an 'Again' grade makes it due."""
    store.add_review(profile_id, due_now_review(question_id, datetime.now(UTC)))
