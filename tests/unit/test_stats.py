"""Statistics: per-day counts, streaks, true retention, forecast, mastery, weak points, leeches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from studykit.schedule import make_scheduler, replay
from studykit.stats import (
    due_forecast,
    heatmap_grid,
    leeches,
    mastery_by,
    reviews_per_day,
    streaks,
    true_retention,
    weakest_points,
)
from tests.support.quiz_bank import DOCUMENT, fixture_bank

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class R:
    question_id: str
    card_key: str
    reviewed_at: datetime
    rating: int
    mode: str = "review"
    missed_points: tuple[int, ...] | None = None


def test_reviews_per_day_and_streaks() -> None:
    log = [R("q", "q", T0 + timedelta(days=d, hours=h), 3) for d in (0, 1, 2, 5, 6) for h in (0, 1)]
    per_day = reviews_per_day(log)
    assert per_day[date(2026, 11, 1)] == 2 and len(per_day) == 5
    assert streaks(per_day, date(2026, 11, 7)) == (2, 3)
    assert streaks(per_day, date(2026, 11, 8)) == (2, 3)  # yesterday's run still counts today
    assert streaks(per_day, date(2026, 11, 9)) == (0, 3)
    assert streaks({}, date(2026, 11, 9)) == (0, 0)


def test_streak_counts_yesterday_until_today_is_studied() -> None:
    days = {date(2026, 11, 5), date(2026, 11, 6)}
    assert streaks(days, date(2026, 11, 7)) == (2, 2)


def test_true_retention_counts_only_learned_cards() -> None:
    sched = make_scheduler()
    log = [
        R("q", "q", T0, 3),  # new -> learning (not counted)
        R("q", "q", T0 + timedelta(minutes=10), 3),  # learning -> review (not counted)
        R("q", "q", T0 + timedelta(days=5), 1),  # review: lapse
        R("q", "q", T0 + timedelta(days=5, minutes=10), 3),  # relearning (not counted)
        R("q", "q", T0 + timedelta(days=9), 3),  # review: pass
    ]
    value, n = true_retention(replay(log, sched))
    assert (value, n) == (0.5, 2)
    assert true_retention(replay([], sched)) == (None, 0)


def test_due_forecast_puts_overdue_on_day_zero() -> None:
    sched = make_scheduler()
    out = replay([R("a", "a", T0, 1), R("b", "b", T0, 4)], sched)
    forecast = due_forecast(out.cards.values(), T0 + timedelta(days=1), days=30)
    assert len(forecast) == 30 and forecast[0] == 1 and sum(forecast) == 2


def test_mastery_by_tag_and_source() -> None:
    bank = fixture_bank()
    sched = make_scheduler()
    out = replay([R("fx-q4", "fx-q4", T0, 4)], sched)
    by_tag = mastery_by(bank.questions, out.cards, sched, T0 + timedelta(hours=1), by="tag")
    assert by_tag[-1].group == "esm2" and by_tag[-1].mastery > 0.9 and by_tag[-1].seen == 1
    assert by_tag[0].mastery == 0.0
    (source,) = mastery_by(bank.questions, out.cards, sched, T0 + timedelta(hours=1), by="source")
    assert source.group == DOCUMENT and source.questions == 4 and 0.2 < source.mastery < 0.26


def test_weakest_points_use_only_typed_gradings() -> None:
    log = [
        R("q", "q", T0, 2, missed_points=(1,)),
        R("q", "q", T0, 2, missed_points=(1, 2)),
        R("q", "q", T0, 3, missed_points=None),  # not typed: not an attempt
        R("p", "p#f1", T0, 1, missed_points=(0,)),
    ]
    weak = weakest_points(log)
    assert [(w.question_id, w.follow_up, w.point, w.missed, w.attempts) for w in weak] == [
        ("q", None, 1, 2, 2),
        ("p", 1, 0, 1, 1),
        ("q", None, 2, 1, 2),
    ]


def test_leeches_are_cards_failed_four_times_in_review() -> None:
    log = [R("q", "q", T0 + timedelta(days=i), 1) for i in range(4)]
    log += [R("p", "p", T0 + timedelta(days=i), 1) for i in range(3)]
    log += [R("c", "c", T0 + timedelta(days=i), 1, mode="cram") for i in range(6)]
    assert leeches(log) == [("q", 4)]


def test_heatmap_grid_shape_and_future_cells() -> None:
    today = date(2026, 11, 4)  # a Wednesday
    columns, grid = heatmap_grid({today: 3, date(2026, 11, 2): 1}, today, weeks=4)
    assert len(columns) == 4 and columns[-1] == date(2026, 11, 2) and len(grid) == 7
    assert grid[0][-1] == 1 and grid[2][-1] == 3 and grid[3][-1] is None
    assert grid[6][0] == 0


def test_days_follow_the_learners_time_zone() -> None:
    from zoneinfo import ZoneInfo

    shanghai = ZoneInfo("Asia/Shanghai")
    late = datetime(2026, 11, 1, 23, 30, tzinfo=UTC)  # already 2 November in Shanghai
    log = [R("q", "q", late, 3)]
    assert reviews_per_day(log) == {date(2026, 11, 1): 1}
    assert reviews_per_day(log, shanghai) == {date(2026, 11, 2): 1}
    out = replay([R("a", "a", late, 4)], make_scheduler())
    due = out.cards["a"].due
    assert (
        due_forecast(out.cards.values(), late, days=30, tz=shanghai)[
            (due.astimezone(shanghai).date() - date(2026, 11, 2)).days
        ]
        == 1
    )
