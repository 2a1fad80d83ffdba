"""Turn one grade (and the typed answer's automatic grading, if any) into a row of the review log."""

from __future__ import annotations

from datetime import datetime

from studykit.cards import card_key
from studykit.grading import GradeResult
from studykit.rooms.tally import Graded
from studykit.store import NewReview
from studykit.study_modes import REVIEW, StudyMode


def graded_review(
    question_id: str,
    follow_up: int | None,
    *,
    rating: int,
    mode: StudyMode,
    reviewed_at: datetime,
    duration_ms: int,
    result: GradeResult | None,
) -> NewReview:
    """The log row; coverage and missed points only when a typed answer was actually graded."""
    graded = result if result is not None and result.answered else None
    return NewReview(
        question_id=question_id,
        card_key=card_key(question_id, follow_up),
        reviewed_at=reviewed_at,
        rating=rating,
        mode=mode,
        duration_ms=duration_ms,
        proposed_rating=result.proposed if result else None,
        coverage=graded.coverage if graded else None,
        missed_points=tuple(p.index for p in graded.points if not p.covered) if graded else None,
    )


def group_answer_review(question_id: str, graded: Graded, reviewed_at: datetime) -> NewReview:
    """A study-group answer as a daily-review grade: rated by the grader's proposal, as a typed
    self-quiz answer would be (Again when it proposed nothing)."""
    return NewReview(
        question_id=question_id,
        card_key=card_key(question_id, None),
        reviewed_at=reviewed_at,
        rating=graded.proposed or 1,
        mode=REVIEW,
        proposed_rating=graded.proposed,
        coverage=graded.coverage,
        missed_points=tuple(i for i, status in enumerate(graded.statuses) if status != "covered"),
    )


def due_now_review(question_id: str, reviewed_at: datetime) -> NewReview:
    """An 'Again' daily-review grade: it makes the question due at once (a group's "send to quiz")."""
    return NewReview(question_id, card_key(question_id, None), reviewed_at, rating=1, mode=REVIEW)
