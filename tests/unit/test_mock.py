"""Mock interview: a mixed draw across topics and the report."""

from __future__ import annotations

from studykit.mock import MockAnswer, mock_report, mock_steps, pick_mock_set
from tests.support.quiz_bank import fixture_bank


def test_pick_is_mixed_repeatable_and_bounded() -> None:
    questions = fixture_bank().questions
    picked = pick_mock_set(questions, 3, seed=7)
    assert len(picked) == len(set(picked)) == 3
    assert pick_mock_set(questions, 3, seed=7) == picked
    topics = [next(q for q in questions if q.id == qid).tags[0] for qid in picked]
    assert len(set(topics)) == 3  # one per topic before repeating
    assert sorted(pick_mock_set(questions, 99, seed=1)) == sorted(q.id for q in questions)


def test_steps_include_follow_ups() -> None:
    by_id = fixture_bank().by_id()
    assert mock_steps(by_id, ["fx-q1", "fx-q2"]) == [
        ("fx-q1", None),
        ("fx-q1", 1),
        ("fx-q1", 2),
        ("fx-q2", None),
    ]
    assert mock_steps(by_id, ["fx-q1"], follow_ups=False) == [("fx-q1", None)]


def test_report_totals_and_weakest_topics() -> None:
    by_id = fixture_bank().by_id()
    answers = [
        MockAnswer("fx-q1", None, 60.0, 2, 3, 0.75),
        MockAnswer("fx-q1", 2, 30.0, 0, 0, None),  # follow-up without key points: not graded
        MockAnswer("fx-q3", None, 200.0, 0, 1, 0.0),
    ]
    report = mock_report(answers, by_id, time_limit_s=240)
    assert report.total_seconds == 290 and report.over_time
    assert (report.points_covered, report.points_total) == (2, 4)
    assert report.mean_coverage == 0.375
    assert report.weakest_topics[0].topic == "memory" and report.weakest_topics[0].coverage == 0.0
    assert {t.topic for t in report.weakest_topics} == {"memory", "lora-basics", "math"}
    empty = mock_report([], by_id)
    assert empty.mean_coverage is None and empty.weakest_topics == [] and not empty.over_time
