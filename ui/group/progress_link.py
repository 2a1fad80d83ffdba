"""A group answer in the learner's own progress (when they chose a profile on joining)."""

from __future__ import annotations

from datetime import UTC, datetime

from studykit.cards import card_key
from studykit.rooms.tally import Graded
from studykit.store import NewReview, ProgressStore


def record_answer(store: ProgressStore, profile_id: int, question_id: str, graded: Graded) -> None:
    """Log the answer as a review graded by the grader's proposal (as a typed self-quiz answer)."""
    missed = tuple(i for i, status in enumerate(graded.statuses) if status != "covered")
    store.add_review(
        profile_id,
        NewReview(
            question_id=question_id,
            card_key=card_key(question_id, None),
            reviewed_at=datetime.now(UTC),
            rating=graded.proposed or 1,
            proposed_rating=graded.proposed,
            coverage=graded.coverage,
            missed_points=missed,
        ),
    )


def send_to_self_quiz(store: ProgressStore, profile_id: int, question_id: str) -> None:
    """Put the question at the front of the learner's daily review: an 'Again' grade makes it due."""
    store.add_review(
        profile_id,
        NewReview(question_id, card_key(question_id, None), datetime.now(UTC), rating=1),
    )
