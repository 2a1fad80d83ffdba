"""FSRS scheduling: replay the review log into card states, preview intervals, build the daily queue.

The log is the truth; a card's state is whatever `fsrs.Scheduler.review_card` yields when the card's
reviews are replayed in order at their recorded (UTC) times. Only `mode == "review"` rows schedule.
A card is a main question or one of its follow-ups (`studykit.cards.card_key`); when a follow-up
becomes a new card and what the in-drill follow-ups may ask is `studykit.follow_up_rules`'s job,
question filters are `studykit.question_filters`', interval labels `studykit.intervals`'.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from fsrs import Card, Rating, Scheduler, State

from studykit.cards import card_key, has_follow_up, split_card_key
from studykit.follow_up_rules import new_follow_up_keys
from studykit.review_window import review_time_problem
from studykit.schema import Question

DEFAULT_RETENTION = 0.9
MIN_RETENTION, MAX_RETENTION = 0.70, 0.97
SCHEDULING_MODES = frozenset({"review"})


def make_scheduler(
    desired_retention: float = DEFAULT_RETENTION, fuzzing: bool = False
) -> Scheduler:
    """An FSRS-6 scheduler with default parameters; fuzzing off keeps intervals reproducible."""
    retention = min(max(desired_retention, MIN_RETENTION), MAX_RETENTION)
    return Scheduler(desired_retention=retention, enable_fuzzing=fuzzing)


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


@dataclass(frozen=True)
class Queue:
    """Today's queue: due card keys (most overdue first), then new card keys."""

    due: list[str]
    new: list[str]

    @property
    def keys(self) -> list[str]:
        return self.due + self.new


def live_cards(cards: dict[str, Card], questions: Sequence[Question]) -> dict[str, Card]:
    """The cards of `questions` (main questions and follow-ups still in the bank)."""
    by_id = {q.id: q for q in questions}
    out = {}
    for key, card in cards.items():
        qid, follow_up = split_card_key(key)
        if qid in by_id and has_follow_up(by_id[qid], follow_up):
            out[key] = card
    return out


def build_queue(
    questions: Sequence[Question],
    cards: dict[str, Card],
    now: datetime,
    new_limit: int | None = None,
) -> Queue:
    """Cards due by `now` (main questions and follow-ups, most overdue first, a parent before its
    follow-ups on ties), then new cards up to `new_limit`: follow-ups whose parent the learner has
    learned (see `new_follow_up_keys`) before unseen main questions in bank order."""
    order = {card_key(q.id): i for i, q in enumerate(questions)}
    live = live_cards(cards, questions)
    due = sorted(
        (key for key, card in live.items() if card.due <= now),
        key=lambda key: (live[key].due, order[split_card_key(key)[0]], split_card_key(key)[1] or 0),
    )
    new = new_follow_up_keys(questions, cards) + [q.id for q in questions if q.id not in cards]
    if new_limit is not None:
        new = new[: max(new_limit, 0)]
    return Queue(due, new)


def new_seen_on(history: Sequence[ReplayedReview], now: datetime, tz: tzinfo = UTC) -> int:
    """How many cards (main questions and follow-ups) were graded for the first time on the
    learner's day (in `tz`) of `now`: the daily new-card limit counts both."""
    day = now.astimezone(tz).date()
    return sum(
        1 for h in history if h.state_before is None and h.reviewed_at.astimezone(tz).date() == day
    )


def front_first(keys: Sequence[str], front: str | None) -> list[str]:
    """The queue with `front` (a card just brought back, e.g. by undo) moved to the head, if queued."""
    if front is None or front not in keys:
        return list(keys)
    return [front, *[k for k in keys if k != front]]


def next_due(cards: dict[str, Card], questions: Sequence[Question]) -> datetime | None:
    """When the earliest card of `questions` (follow-ups included) is due next (None: none seen)."""
    return min((c.due for c in live_cards(cards, questions).values()), default=None)
