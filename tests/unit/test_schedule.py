"""FSRS wrapper: replay of the log, queue, interval previews. Fixed clock, fuzzing off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fsrs import Rating, State

from studykit.cards import card_key, split_card_key
from studykit.intervals import format_interval
from studykit.question_filters import filter_questions
from studykit.schedule import (
    build_queue,
    make_scheduler,
    new_seen_on,
    preview_intervals,
    replay,
)
from tests.support.quiz_bank import fixture_bank

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class R:
    question_id: str
    card_key: str
    reviewed_at: datetime
    rating: int
    mode: str = "review"


def test_scheduler_defaults_and_clamped_retention() -> None:
    assert make_scheduler().desired_retention == 0.9
    assert make_scheduler(0.99).desired_retention == 0.97
    assert make_scheduler(0.1).desired_retention == 0.70
    assert make_scheduler().enable_fuzzing is False


def test_card_keys_round_trip() -> None:
    assert card_key("q-a") == "q-a" and card_key("q-a", 2) == "q-a#f2"
    assert split_card_key("q-a#f2") == ("q-a", 2) and split_card_key("q-a") == ("q-a", None)


def test_new_card_intervals_follow_fsrs_learning_steps() -> None:
    sched = make_scheduler()
    intervals = preview_intervals(None, "q", sched, T0)
    assert intervals[1] == timedelta(minutes=1)
    assert intervals[2] == timedelta(minutes=5, seconds=30)  # mean of the 1 and 10 minute steps
    assert intervals[3] == timedelta(minutes=10)
    assert intervals[4] >= timedelta(days=1)
    assert intervals[1] < intervals[2] < intervals[3] < intervals[4]


def test_replay_is_deterministic_and_matches_direct_review() -> None:
    sched = make_scheduler()
    log = [
        R("q", "q", T0, 3),
        R("q", "q", T0 + timedelta(minutes=10), 3),
        R("q", "q", T0 + timedelta(days=3), 3),
    ]
    first, second = replay(log, sched), replay(list(reversed(log)), sched)
    assert first.cards["q"].due == second.cards["q"].due  # order by time, not by input order
    assert first.cards["q"].state == State.Review
    assert [h.state_before for h in first.history] == [None, State.Learning, State.Review]
    from studykit.schedule import new_card

    card = new_card("q", T0)
    for row in log:
        card, _ = sched.review_card(card, Rating(row.rating), review_datetime=row.reviewed_at)
    assert card.due == first.cards["q"].due and card.stability == first.cards["q"].stability


def test_replay_skips_other_modes_and_unknown_ids() -> None:
    log = [
        R("q", "q", T0, 3, mode="cram"),
        R("q", "q", T0, 1, mode="mock"),
        R("gone", "gone", T0, 3),
    ]
    out = replay(log, make_scheduler(), known_ids={"q"})
    assert out.cards == {} and out.unknown == {"gone": 1}


def test_higher_retention_means_shorter_intervals() -> None:
    log = [R("q", "q", T0, 3), R("q", "q", T0 + timedelta(minutes=10), 3)]
    low = replay(log, make_scheduler(0.8)).cards["q"].due
    high = replay(log, make_scheduler(0.95)).cards["q"].due
    assert high < low


def test_queue_due_first_then_new_with_limit() -> None:
    bank = fixture_bank()
    sched = make_scheduler()
    log = [R("fx-q2", "fx-q2", T0, 1), R("fx-q3", "fx-q3", T0, 4)]
    out = replay(log, sched)
    queue = build_queue(bank.questions, out.cards, T0 + timedelta(minutes=5), new_limit=1)
    assert queue.due == ["fx-q2"]  # Again: due after a minute; Easy: days away
    assert queue.new == ["fx-q1"]
    assert queue.keys == ["fx-q2", "fx-q1"]
    assert new_seen_on(out.history, T0) == 2


def test_filters_by_source_and_tag() -> None:
    questions = fixture_bank().questions
    assert [q.id for q in filter_questions(questions, tags=["memory", "esm2"])] == [
        "fx-q3",
        "fx-q4",
    ]
    assert filter_questions(questions, sources=["other.txt"]) == []
    assert len(filter_questions(questions)) == 4


def test_format_interval() -> None:
    assert format_interval(timedelta(minutes=1), "en") == "1m"
    assert format_interval(timedelta(minutes=10), "zh") == "10分钟"
    assert format_interval(timedelta(hours=5), "en") == "5h"
    assert format_interval(timedelta(days=3), "zh") == "3天"
    assert format_interval(timedelta(days=45), "en") == "1.5mo"
    assert format_interval(timedelta(days=800), "en") == "2.2y"
    assert format_interval(timedelta(seconds=5), "en") == "1m"


def test_new_seen_today_uses_the_learners_day() -> None:
    from zoneinfo import ZoneInfo

    late = datetime(2026, 11, 1, 23, 30, tzinfo=UTC)
    out = replay([R("q", "q", late, 3)], make_scheduler())
    next_morning = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
    assert new_seen_on(out.history, next_morning) == 0  # a new UTC day
    assert new_seen_on(out.history, next_morning, ZoneInfo("Asia/Shanghai")) == 1  # same day there
