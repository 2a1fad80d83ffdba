"""Turn one grade (and the typed answer's automatic grading, if any) into a row of the review log."""

from __future__ import annotations

from datetime import datetime

from studykit.grading import GradeResult
from studykit.schedule import card_key
from studykit.store import NewReview


def graded_review(
    question_id: str,
    follow_up: int | None,
    *,
    rating: int,
    mode: str,
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
