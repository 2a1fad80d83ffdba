"""FSRS scheduling: replay the review log into card states, build the daily queue, preview intervals.

The log is the truth; a card's state is whatever `fsrs.Scheduler.review_card` yields when the card's
reviews are replayed in order at their recorded (UTC) times. Only `mode == "review"` rows schedule.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from fsrs import Card, Rating, Scheduler, State

from studykit.cards import has_follow_up
from studykit.review_window import review_time_problem
from studykit.schema import Question

DEFAULT_RETENTION = 0.9
MIN_RETENTION, MAX_RETENTION = 0.70, 0.97
FOLLOW_UP_SEP = "#f"
SCHEDULING_MODES = frozenset({"review"})


def make_scheduler(
    desired_retention: float = DEFAULT_RETENTION, fuzzing: bool = False
) -> Scheduler:
    """An FSRS-6 scheduler with default parameters; fuzzing off keeps intervals reproducible."""
    retention = min(max(desired_retention, MIN_RETENTION), MAX_RETENTION)
    return Scheduler(desired_retention=retention, enable_fuzzing=fuzzing)


def card_key(question_id: str, follow_up: int | None = None) -> str:
    """The scheduling key: the question id, or ``"<id>#f<n>"`` for follow-up n (1-based)."""
    return question_id if follow_up is None else f"{question_id}{FOLLOW_UP_SEP}{follow_up}"


def split_card_key(key: str) -> tuple[str, int | None]:
    """Inverse of `card_key`."""
    qid, sep, rest = key.partition(FOLLOW_UP_SEP)
    return (qid, int(rest)) if sep and rest.isdigit() else (key, None)


def new_card(key: str, now: datetime) -> Card:
    """A fresh card with a stable id (fsrs's default id sleeps 1 ms and depends on the clock)."""
    return Card(card_id=zlib.crc32(key.encode("utf-8")), due=now)


@dataclass(frozen=True)
class ReplayedReview:
    """One replayed grade: the card's state before it (None for a new card) and after it."""

    card_key: str
    rating: int
    reviewed_at: datetime
    state_before: State | None
    due_after: datetime


@dataclass
class Replay:
    """Card states after replaying a log, plus per-review history and ignored keys."""

    cards: dict[str, Card] = field(default_factory=dict)
    history: list[ReplayedReview] = field(default_factory=list)
    unknown: dict[str, int] = field(default_factory=dict)  # question id -> skipped rows
    bad: list[BadRow] = field(default_factory=list)  # rows that cannot be replayed (kept, skipped)


@dataclass(frozen=True)
class BadRow:
    """A stored row the replay skipped: its card, its time as stored, and why (English)."""

    card_key: str
    reviewed_at: str
    reason: str


class ReviewLike:  # structural: anything with these attributes (store.Review, test doubles)
    question_id: str
    card_key: str
    reviewed_at: datetime
    rating: int
    mode: str


def replay(
    reviews: Iterable[ReviewLike],
    scheduler: Scheduler,
    known_ids: set[str] | frozenset[str] | None = None,
) -> Replay:
    """Replay review-mode rows in order. Rows for question ids not in `known_ids` are counted, skipped.

    A row that cannot be replayed (a time outside the review window, a rating FSRS refuses, a
    date overflow) is skipped and listed in ``bad``: one stored row never breaks a learner.
    """
    out = Replay()
    now = datetime.now(UTC)
    for review in sorted(reviews, key=lambda r: r.reviewed_at):
        if review.mode not in SCHEDULING_MODES:
            continue
        if known_ids is not None and review.question_id not in known_ids:
            out.unknown[review.question_id] = out.unknown.get(review.question_id, 0) + 1
            continue
        problem = review_time_problem(review.reviewed_at, now)
        if problem is None and review.rating not in (1, 2, 3, 4):
            problem = f"rating {review.rating!r} is not 1-4"
        if problem is not None:
            out.bad.append(BadRow(review.card_key, str(review.reviewed_at)[:40], problem))
            continue
        at = review.reviewed_at.astimezone(UTC)
        before = out.cards.get(review.card_key)
        card = before or new_card(review.card_key, at)
        state_before = before.state if before else None
        try:
            card, _ = scheduler.review_card(card, Rating(review.rating), review_datetime=at)
        except (OverflowError, ValueError) as exc:  # a due date past year 9999, odd state
            out.bad.append(BadRow(review.card_key, str(at)[:40], type(exc).__name__))
            continue
        out.cards[review.card_key] = card
        out.history.append(
            ReplayedReview(review.card_key, review.rating, at, state_before, card.due)
        )
    return out


def preview_intervals(
    card: Card | None, key: str, scheduler: Scheduler, now: datetime
) -> dict[int, timedelta]:
    """Rating (1..4) -> time until the card would be due again if graded so now."""
    base = card or new_card(key, now)
    return {
        int(rating): scheduler.review_card(base, rating, review_datetime=now)[0].due - now
        for rating in Rating
    }


def format_interval(delta: timedelta, lang: str = "zh") -> str:
    """A compact interval label: 1m / 10m / 3h / 4d / 2mo / 1.5y (zh: 1分钟 / 4天 …)."""
    seconds = max(delta.total_seconds(), 0)
    units = (
        (365 * 86400, "y", "年"),
        (30 * 86400, "mo", "个月"),
        (86400, "d", "天"),
        (3600, "h", "小时"),
        (60, "m", "分钟"),
    )
    for size, en, zh in units:
        if seconds >= size or size == 60:
            value = seconds / size
            shown = (
                f"{value:.1f}".rstrip("0").rstrip(".")
                if size >= 30 * 86400
                else f"{max(round(value), 1)}"
            )
            return f"{shown}{zh if lang == 'zh' else en}"
    return ""  # pragma: no cover


@dataclass(frozen=True)
class Queue:
    """Today's queue: due card keys (most overdue first), then new question ids (bank order)."""

    due: list[str]
    new: list[str]

    @property
    def keys(self) -> list[str]:
        return self.due + self.new


def filter_questions(
    questions: Sequence[Question], sources: Iterable[str] = (), tags: Iterable[str] = ()
) -> list[Question]:
    """Questions from any of `sources` (document names) having any of `tags`; empty = no filter."""
    sources, tags = set(sources), set(tags)
    return [
        q
        for q in questions
        if (not sources or q.source.document in sources) and (not tags or tags.intersection(q.tags))
    ]


def build_queue(
    questions: Sequence[Question],
    cards: dict[str, Card],
    now: datetime,
    new_limit: int | None = None,
) -> Queue:
    """Main-question cards due by `now`, then unseen questions up to `new_limit`."""
    due = sorted(
        (q.id for q in questions if q.id in cards and cards[q.id].due <= now),
        key=lambda qid: cards[qid].due,
    )
    new = [q.id for q in questions if q.id not in cards]
    if new_limit is not None:
        new = new[: max(new_limit, 0)]
    return Queue(due, new)


def new_seen_on(history: Sequence[ReplayedReview], now: datetime, tz: tzinfo = UTC) -> int:
    """How many cards were graded for the first time on the learner's day (in `tz`) of `now`."""
    day = now.astimezone(tz).date()
    return sum(
        1 for h in history if h.state_before is None and h.reviewed_at.astimezone(tz).date() == day
    )


def front_first(keys: Sequence[str], front: str | None) -> list[str]:
    """The queue with `front` (a card just brought back, e.g. by undo) moved to the head, if queued."""
    if front not in keys:
        return list(keys)
    return [front, *[k for k in keys if k != front]]


def next_due(cards: dict[str, Card], questions: Sequence[Question]) -> datetime | None:
    """When the earliest card among `questions` is due next (None when none has been seen)."""
    ids = {q.id for q in questions}
    return min((c.due for qid, c in cards.items() if qid in ids), default=None)


def shuffled_ids(questions: Sequence[Question], seed: int) -> list[str]:
    """The questions' ids in a seeded random order (cram keeps one order per round)."""
    ids = [q.id for q in questions]
    random.Random(seed).shuffle(ids)
    return ids


FollowUpStep = tuple[str, int]  # (question id, follow-up n, 1-based)


def follow_ups_after_grade(
    pending: Sequence[FollowUpStep],
    question_id: str,
    follow_up: int | None,
    follow_up_count: int,
    drill: bool,
) -> list[FollowUpStep]:
    """The follow-up (追问) queue after a grade: the graded step leaves the head; a graded main
    question puts its follow-ups first when the learner drills them."""
    queue = list(pending)
    if queue and queue[0] == (question_id, follow_up):
        queue.pop(0)
    if follow_up is None and drill:
        queue[:0] = [(question_id, n) for n in range(1, follow_up_count + 1)]
    return queue


def live_follow_ups(
    pending: Sequence[FollowUpStep], by_id: dict[str, Question]
) -> list[FollowUpStep]:
    """The queue without leading steps whose question or follow-up left the bank."""
    queue = list(pending)
    while queue and (
        queue[0][0] not in by_id or not has_follow_up(by_id[queue[0][0]], queue[0][1])
    ):
        queue.pop(0)
    return queue
