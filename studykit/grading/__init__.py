"""Claim-level grading of typed answers (issue 11): `grade_answer(answer, key_points) -> GradeResult`.

Modules: normalise (text forms), numbers, lexicon (concepts), claims (the claim language), spotting (concepts in a
clause, negation), clauses (sentence/clause split), grader (per-point status, coverage, proposed rating),
legacy (the old phrase matcher, kept strict for key points that have no claims yet).
"""

from studykit.grading.grader import (
    GradeResult,
    MisconceptionHit,
    PointResult,
    grade_answer,
    propose_rating,
)
from studykit.grading.normalise import compact, normalise

normalize = normalise  # the old spelling, still imported by callers

__all__ = [
    "GradeResult",
    "MisconceptionHit",
    "PointResult",
    "compact",
    "grade_answer",
    "normalise",
    "normalize",
    "propose_rating",
]
