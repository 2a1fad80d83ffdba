"""Mock interview: draw a mixed set across topics, then summarise the answers into a report."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from studykit.answer_limits import bounded_answer
from studykit.grading import GradeResult, grade_answer
from studykit.schema import KeyPoint, Question

SECONDS_PER_QUESTION = 180


def pick_mock_set(questions: Sequence[Question], n: int, seed: int) -> list[str]:
    """Up to `n` question ids, round-robin over primary tags so topics are mixed (seeded, repeatable)."""
    rng = random.Random(seed)
    by_topic: dict[str, list[str]] = defaultdict(list)
    for q in questions:
        by_topic[q.tags[0]].append(q.id)
    topics = sorted(by_topic)
    rng.shuffle(topics)
    for ids in by_topic.values():
        rng.shuffle(ids)
    picked: list[str] = []
    while len(picked) < n and any(by_topic[t] for t in topics):
        for topic in topics:
            if by_topic[topic] and len(picked) < n:
                picked.append(by_topic[topic].pop())
    return picked


def mock_steps(
    questions_by_id: dict[str, Question], ids: Sequence[str], follow_ups: bool = True
) -> list[tuple[str, int | None]]:
    """The interview script: each question, then its follow-ups (1-based), in order."""
    steps: list[tuple[str, int | None]] = []
    for qid in ids:
        steps.append((qid, None))
        if follow_ups:
            steps.extend((qid, n) for n in range(1, len(questions_by_id[qid].follow_ups) + 1))
    return steps


@dataclass(frozen=True)
class MockAnswer:
    """One answered step of a mock interview."""

    question_id: str
    follow_up: int | None
    seconds: float
    covered: int
    total: int
    coverage: float | None  # None when the step has no key points to grade against
    missed: tuple[int, ...] = ()  # indices of the key points not covered, for the report
    typed: str = ""  # the learner's answer as typed (shown as text, never Markdown)


def score_mock_answer(
    question_id: str,
    follow_up: int | None,
    typed: str,
    key_points: Sequence[KeyPoint],
    seconds: float,
) -> tuple[MockAnswer, GradeResult | None]:
    """Grade one typed interview answer against the step's key points (None when it has none)."""
    typed = bounded_answer(typed)  # the grader's work stays bounded whatever the caller passes
    result = grade_answer(typed, key_points) if key_points else None
    answer = MockAnswer(
        question_id,
        follow_up,
        seconds,
        len(result.covered) if result else 0,
        len(key_points),
        result.coverage if result else None,
        tuple(p.index for p in result.not_covered) if result else (),
        typed,
    )
    return answer, result


def mock_rating(result: GradeResult | None, typed: str) -> int:
    """The rating logged for a mock answer: the proposed one, else Good for any text, else Again."""
    if result:
        return result.proposed or 1
    return 3 if typed.strip() else 1


def format_mmss(seconds: float) -> str:
    """A clock reading, "mm:ss" (whole seconds, truncated)."""
    seconds = int(seconds)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


@dataclass(frozen=True)
class TopicScore:
    topic: str
    answers: int
    coverage: float


@dataclass(frozen=True)
class MockReport:
    total_seconds: float
    mean_coverage: float | None
    points_covered: int
    points_total: int
    weakest_topics: list[TopicScore]
    over_time: bool


def mock_report(
    answers: Sequence[MockAnswer],
    questions_by_id: dict[str, Question],
    time_limit_s: float | None = None,
) -> MockReport:
    """Totals, mean coverage and topics by mean coverage, weakest first."""
    graded = [a for a in answers if a.coverage is not None]
    per_topic: dict[str, list[float]] = defaultdict(list)
    for a in graded:
        question = questions_by_id.get(a.question_id)
        for tag in question.tags if question else ["?"]:
            per_topic[tag].append(a.coverage or 0.0)
    topics = sorted(
        (TopicScore(tag, len(v), sum(v) / len(v)) for tag, v in per_topic.items()),
        key=lambda s: (s.coverage, s.topic),
    )
    total = sum(a.seconds for a in answers)
    return MockReport(
        total_seconds=total,
        mean_coverage=sum(a.coverage or 0.0 for a in graded) / len(graded) if graded else None,
        points_covered=sum(a.covered for a in answers),
        points_total=sum(a.total for a in answers),
        weakest_topics=topics,
        over_time=time_limit_s is not None and total > time_limit_s,
    )
