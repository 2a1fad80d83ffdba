"""Claim-level grading of typed answers (issue 11): `grade_answer(answer, key_points) -> GradeResult`.

Modules: normalise (text forms), numbers, lexicon (concepts), claims (the claim language), forms (a surface form's
regex), negation (negation cues and their scope), spotting (concepts in a clause), clauses (sentence/clause split),
segments (clauses cut into binding segments, subjects inherited), stating (whether segments state a claim),
results (per-point results, coverage, proposed rating), grader (per-point status and the answer's grade),
legacy (the old phrase matcher, kept strict for key points that have no claims yet).
"""

from studykit.grading.grader import grade_answer
from studykit.grading.normalise import compact, normalise
from studykit.grading.results import GradeResult, MisconceptionHit, PointResult, propose_rating

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
