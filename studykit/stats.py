"""Progress statistics from the review log: pure functions; days are the learner's (a `tz`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from fsrs import Card, Scheduler, State

from studykit.cards import card_parts, has_follow_up, split_card_key
from studykit.schedule import Replay
from studykit.schema import Question
from studykit.store.records import NewReview
from studykit.study_modes import REVIEW

LEECH_LAPSES = 4


def reviews_per_day(reviews: Iterable[NewReview], tz: tzinfo = UTC) -> dict[date, int]:
    """Day (in `tz`) -> number of grades (all modes)."""
    return dict(Counter(r.reviewed_at.astimezone(tz).date() for r in reviews))


def reviews_on(
    reviews: Iterable[NewReview], day: date, tz: tzinfo = UTC, mode: str = REVIEW
) -> int:
    """Number of grades in `mode` on the learner's `day` (in `tz`)."""
    return sum(1 for r in reviews if r.mode == mode and r.reviewed_at.astimezone(tz).date() == day)


def streaks(days: Iterable[date], today: date) -> tuple[int, int]:
    """(current, longest) run of consecutive study days. Today not yet studied keeps yesterday's run."""
    studied = set(days)
    longest = run = 0
    previous: date | None = None
    for day in sorted(studied):
        run = run + 1 if previous and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    current = 0
    day = today if today in studied else today - timedelta(days=1)
    while day in studied:
        current += 1
        day -= timedelta(days=1)
    return current, longest


def true_retention(replay: Replay) -> tuple[float | None, int]:
    """Share of reviews of already-learned cards (state Review before) not rated Again; and n."""
    learned = [h for h in replay.history if h.state_before == State.Review]
    if not learned:
        return None, 0
    passed = sum(1 for h in learned if h.rating != 1)
    return passed / len(learned), len(learned)


def due_forecast(
    cards: Iterable[Card], now: datetime, days: int = 30, tz: tzinfo = UTC
) -> list[int]:
    """Cards due on each of the next `days` days (in `tz`); overdue cards count on day 0."""
    counts = [0] * days
    today = now.astimezone(tz).date()
    for card in cards:
        offset = max((card.due.astimezone(tz).date() - today).days, 0)
        if offset < days:
            counts[offset] += 1
    return counts


@dataclass(frozen=True)
class Mastery:
    group: str
    questions: int
    seen: int
    mastery: float  # mean recall probability now over the group's questions (unseen = 0)


def mastery_by(
    questions: Sequence[Question],
    cards: dict[str, Card],
    scheduler: Scheduler,
    now: datetime,
    by: str = "tag",
) -> list[Mastery]:
    """Mastery per tag (`by="tag"`) or per source document (`by="source"`), weakest first."""
    groups: dict[str, list[float]] = defaultdict(list)
    seen: Counter[str] = Counter()
    for question in questions:
        card = cards.get(question.id)
        value = scheduler.get_card_retrievability(card, now) if card else 0.0
        keys = question.tags if by == "tag" else [question.source.document]
        for key in keys:
            groups[key].append(value)
            seen[key] += card is not None
    result = [Mastery(k, len(v), seen[k], sum(v) / len(v)) for k, v in groups.items()]
    return sorted(result, key=lambda m: (m.mastery, m.group))


@dataclass(frozen=True)
class WeakPoint:
    question_id: str
    follow_up: int | None
    point: int  # key-point index
    missed: int
    attempts: int


def weakest_points(reviews: Iterable[NewReview], limit: int = 10) -> list[WeakPoint]:
    """Key points most often missed in typed answers (only rows where an answer was graded)."""
    attempts: Counter[str] = Counter()
    missed: Counter[tuple[str, int]] = Counter()
    for review in reviews:
        points = review.missed_points
        if points is None:
            continue
        attempts[review.card_key] += 1
        for point in points:
            missed[(review.card_key, point)] += 1
    out = []
    for (key, point), count in missed.items():
        qid, follow_up = split_card_key(key)
        out.append(WeakPoint(qid, follow_up, point, count, attempts[key]))
    out.sort(key=lambda w: (-w.missed / w.attempts, -w.missed, w.question_id, w.point))
    return out[:limit]


def leeches(reviews: Iterable[NewReview], threshold: int = LEECH_LAPSES) -> list[tuple[str, int]]:
    """Cards failed (rated Again in daily review) at least `threshold` times, most failed first."""
    fails = Counter(r.card_key for r in reviews if r.mode == REVIEW and r.rating == 1)
    return sorted(((k, n) for k, n in fails.items() if n >= threshold), key=lambda x: (-x[1], x[0]))


def heatmap_grid(
    per_day: dict[date, int], today: date, weeks: int = 26
) -> tuple[list[date], list[list[int | None]]]:
    """A weeks x 7 calendar (columns = weeks starting Monday, rows = weekdays) ending this week.

    Returns the first day of each week column and a 7-row matrix (None for future days).
    """
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    columns = [start + timedelta(weeks=w) for w in range(weeks)]
    grid: list[list[int | None]] = [[None] * weeks for _ in range(7)]
    for w, monday in enumerate(columns):
        for d in range(7):
            day = monday + timedelta(days=d)
            grid[d][w] = None if day > today else per_day.get(day, 0)
    return columns, grid


def main_cards(cards: dict[str, Card]) -> list[Card]:
    """The cards of main questions (follow-up cards left out)."""
    return [c for k, c in cards.items() if split_card_key(k)[1] is None]


def weak_point_texts(
    weak: Iterable[WeakPoint], by_id: dict[str, Question], lang: str
) -> list[tuple[str, str, WeakPoint]]:
    """(question text, key-point text, weak point) for each point the bank still has."""
    out = []
    for w in weak:
        _, _, points = card_parts(by_id[w.question_id], w.follow_up, lang)
        if w.point < len(points):
            out.append((by_id[w.question_id].question.get(lang), points[w.point].text.get(lang), w))
    return out


def leech_prompt(key: str, by_id: dict[str, Question], lang: str) -> str:
    """The prompt of a leech's card (its key when the follow-up is gone from the bank)."""
    qid, n = split_card_key(key)
    return card_parts(by_id[qid], n, lang)[0] if has_follow_up(by_id[qid], n) else key
