"""Graded answers and what the class did with them: per key point tallies, misconceptions, summary.

Plain functions over plain data. Grading goes through `studykit.grading.grade_answer`; the per-point
status and misconception are read with fallbacks so this works before and after the grader that
reports `status` / `misconception` (issue 11) lands.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from studykit.grading import grade_answer
from studykit.schema import KeyPoint

STATUSES = ("covered", "partial", "missed", "contradicted")


@dataclass(frozen=True)
class Graded:
    """One answer as the room stores it."""

    coverage: float
    statuses: tuple[str, ...]  # one of STATUSES per key point, in key-point order
    misconception: dict[str, str] | None  # {"zh": ..., "en": ...}: the first wrong belief stated
    proposed: int | None  # the grader's rating, 1 Again .. 4 Easy


def grade(answer: str, key_points: Sequence[KeyPoint]) -> Graded:
    """Grade a typed answer for the room (any grader version)."""
    result = grade_answer(answer, key_points)
    statuses: list[str] = []
    misconception: dict[str, str] | None = None
    for point in result.points:
        status = getattr(point, "status", "covered" if point.covered else "missed")
        statuses.append(status if status in STATUSES else "missed")
        hit = getattr(point, "misconception", None)
        if misconception is None and hit is not None:
            name = hit.name
            misconception = {"zh": name.zh, "en": name.en or name.zh}
    return Graded(float(result.coverage), tuple(statuses), misconception, result.proposed)


@dataclass(frozen=True)
class AnswerRecord:
    """A stored answer with the learner's display name (for the presenter only)."""

    question_index: int
    question_id: str
    member_name: str
    answer: str
    skipped: bool
    coverage: float | None
    statuses: tuple[str, ...]
    misconception: dict[str, str] | None
    proposed: int | None


@dataclass(frozen=True)
class PointTally:
    index: int
    counts: dict[str, int]  # status -> how many answers


@dataclass(frozen=True)
class LiveView:
    """What the presenter's live panel shows for the open question."""

    joined: int
    answered: int  # submitted, skips included
    skipped: int
    points: list[PointTally]
    top_misconception: tuple[dict[str, str], int] | None  # (name, how many stated it)
    examples: list[str] = field(default_factory=list)  # anonymous answers, newest first


def point_tallies(statuses: Iterable[Sequence[str]], n_points: int) -> list[PointTally]:
    """Per key point, how many answers covered / partly covered / missed / contradicted it."""
    counts = [dict.fromkeys(STATUSES, 0) for _ in range(n_points)]
    for row in statuses:
        for i, status in enumerate(row[:n_points]):
            counts[i][status if status in STATUSES else "missed"] += 1
    return [PointTally(i, c) for i, c in enumerate(counts)]


def top_misconception(
    found: Iterable[dict[str, str] | None],
) -> tuple[dict[str, str], int] | None:
    """The wrong belief stated most often (ties: the first seen), with its count."""
    names: dict[str, dict[str, str]] = {}
    counter: Counter[str] = Counter()
    for item in found:
        if item:
            names.setdefault(item["zh"], item)
            counter[item["zh"]] += 1
    if not counter:
        return None
    key, count = counter.most_common(1)[0]
    return names[key], count


@dataclass(frozen=True)
class QuestionSummary:
    index: int
    question_id: str
    answered: int
    skipped: int
    mean_coverage: float | None  # over typed answers
    points: list[PointTally]
    top_misconception: tuple[dict[str, str], int] | None


@dataclass(frozen=True)
class LearnerSummary:
    name: str
    answered: int
    skipped: int
    mean_coverage: float | None


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarize(
    question_ids: Sequence[str],
    n_points: Sequence[int],
    answers: Sequence[AnswerRecord],
    names: Sequence[str],
) -> tuple[list[QuestionSummary], list[LearnerSummary]]:
    """End-of-session summary: one row per question, one per learner (all who joined)."""
    per_question: list[QuestionSummary] = []
    for index, qid in enumerate(question_ids):
        rows = [a for a in answers if a.question_index == index]
        typed = [a for a in rows if not a.skipped]
        per_question.append(
            QuestionSummary(
                index,
                qid,
                answered=len(typed),
                skipped=len(rows) - len(typed),
                mean_coverage=_mean([a.coverage or 0.0 for a in typed]),
                points=point_tallies((a.statuses for a in typed), n_points[index]),
                top_misconception=top_misconception(a.misconception for a in typed),
            )
        )
    per_learner = []
    for name in names:
        rows = [a for a in answers if a.member_name == name]
        typed = [a for a in rows if not a.skipped]
        per_learner.append(
            LearnerSummary(
                name, len(typed), len(rows) - len(typed), _mean([a.coverage or 0.0 for a in typed])
            )
        )
    return per_question, per_learner


def weak_question_ids(
    question_ids: Sequence[str], answers: Sequence[AnswerRecord], below: float = 0.6
) -> list[str]:
    """Questions the class got wrong: mean coverage under `below`, or any point contradicted."""
    weak = []
    for index, qid in enumerate(question_ids):
        typed = [a for a in answers if a.question_index == index and not a.skipped]
        if not typed:
            continue
        mean = _mean([a.coverage or 0.0 for a in typed]) or 0.0
        if mean < below or any("contradicted" in a.statuses for a in typed):
            weak.append(qid)
    return weak
