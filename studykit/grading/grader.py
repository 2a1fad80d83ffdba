"""Grade a typed answer claim by claim: covered / partial / missed / contradicted per key point.

A key point is covered when every one of its claims is stated in one clause of the answer (right subject, right
predicate, right polarity); it is contradicted when any of its misconceptions is stated anywhere, and then the
proposed rating is Again whatever the coverage. Key points without claims fall back to a strict form of the old
phrase matcher, so an unmigrated bank still grades.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from studykit.grading.claims import parse_claim
from studykit.grading.results import (
    GradeResult,
    MisconceptionHit,
    PointResult,
    Status,
    propose_rating,
)
from studykit.grading.segments import Segment, analyse
from studykit.grading.stating import endorsed_segments, learners_own, stated_in

if TYPE_CHECKING:
    from studykit.schema import KeyPoint, Misconception


def _words(seg: Segment) -> str:
    """The learner's words for a segment: the clause, or its whole sentence when the subject was inherited."""
    return seg.sentence_raw if seg.inherited and not seg.own_entities else seg.raw


def _evidence(segments: list[Segment]) -> str:
    return " … ".join(dict.fromkeys(_words(seg) for seg in segments))


def _hit(item: Misconception, seg: Segment) -> MisconceptionHit:
    return MisconceptionHit(item.name, item.shown_correction, item.shown_evidence, seg.sentence_raw)


def grade_point(index: int, point: KeyPoint, answer: str, segments: list[Segment]) -> PointResult:
    """One key point against the analysed answer."""
    lexicon = point.lexicon
    endorsed = endorsed_segments(segments, lexicon) if point.misconceptions else []
    for item in point.misconceptions:
        claim = parse_claim(item.claim)
        seg = stated_in(claim, learners_own(endorsed, claim), lexicon, misconception=True)
        if seg is not None:
            return PointResult(
                index, "contradicted", False, 0.0, seg.sentence_raw, point.weight, _hit(item, seg)
            )
    if not point.claims:
        from studykit.grading.legacy import strict_point_score

        score, evidence = strict_point_score(point, answer)
        covered = bool(evidence)
        return PointResult(index, "covered" if covered else "missed", covered, 1.0 if covered else 0.0,
                           evidence, point.weight)  # fmt: skip
    found = [stated_in(parse_claim(claim), segments, lexicon) for claim in point.claims]
    stated = [seg for seg in found if seg is not None]
    score = len(stated) / len(found)
    status: Status = "covered" if score == 1 else "partial" if stated else "missed"
    return PointResult(
        index, status, status == "covered", round(score, 3), _evidence(stated), point.weight
    )


def grade_answer(answer: str, key_points: Sequence[KeyPoint]) -> GradeResult:
    """Which key points the typed answer states, contradicts or misses; weighted coverage; a proposed rating."""
    answered = bool(answer and answer.strip())
    analysed: dict[int, list[Segment]] = {}
    points: list[PointResult] = []
    for index, point in enumerate(key_points):
        if not answered:
            points.append(PointResult(index, "missed", False, 0.0, "", point.weight))
            continue
        lexicon = point.lexicon
        if id(lexicon) not in analysed:
            analysed[id(lexicon)] = analyse(answer, lexicon)
        points.append(grade_point(index, point, answer, analysed[id(lexicon)]))
    total = sum(p.weight for p in points)
    coverage = sum(p.weight * p.score for p in points) / total if total else 0.0
    proposed = None
    if answered:
        proposed = (
            1 if any(p.status == "contradicted" for p in points) else propose_rating(coverage)
        )
    return GradeResult(points, round(coverage, 4), proposed, answered)
