"""Follow-ups (追问) as cards: when one becomes a new card, and what the drill after a grade asks.

Every follow-up is its own FSRS card (key ``"<id>#f<n>"``). Two ways lead to it:
- the drill: right after its parent is graded (when the learner drills follow-ups), the parent's
  follow-ups that are new or due now are asked; one scheduled for later is left to its schedule,
  so no card is reviewed twice off-schedule on one day. New ones count against the day's new cards.
- the daily queue: a follow-up not yet seen becomes a new card once its parent is learned (FSRS
  state Review: graduated from the learning steps), so a brand-new learner's queue holds main
  questions only, and a follow-up is never asked before its parent could be answered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from fsrs import Card, State

from studykit.cards import card_key, follow_up_keys, has_follow_up
from studykit.schema import Question

FollowUpStep = tuple[str, int]  # (question id, follow-up n, 1-based)


def parent_learned(question: Question, cards: dict[str, Card]) -> bool:
    """Whether the main question's card has left the learning steps (its follow-ups unlock)."""
    card = cards.get(card_key(question.id))
    return card is not None and card.state == State.Review


def new_follow_up_keys(questions: Sequence[Question], cards: dict[str, Card]) -> list[str]:
    """Unseen follow-ups of learned parents, in bank order (parent by parent, then by n)."""
    return [
        key
        for q in questions
        if parent_learned(q, cards)
        for key in follow_up_keys(q)
        if key not in cards
    ]


def drill_may_ask(key: str, cards: dict[str, Card], now: datetime, new_left: int) -> bool:
    """Whether the drill asks this follow-up now: due by `now`, or new while new cards remain."""
    card = cards.get(key)
    return card.due <= now if card is not None else new_left > 0


def follow_ups_after_grade(
    pending: Sequence[FollowUpStep],
    question_id: str,
    follow_up: int | None,
    follow_up_count: int,
    drill: bool,
) -> list[FollowUpStep]:
    """The follow-up queue after a grade: the graded step leaves the head; a graded main
    question puts its follow-ups first when the learner drills them."""
    queue = list(pending)
    if queue and queue[0] == (question_id, follow_up):
        queue.pop(0)
    if follow_up is None and drill:
        queue[:0] = [(question_id, n) for n in range(1, follow_up_count + 1)]
    return queue


def live_follow_ups(
    pending: Sequence[FollowUpStep],
    by_id: dict[str, Question],
    may_ask: Callable[[str], bool] | None = None,
) -> list[FollowUpStep]:
    """The queue without leading steps whose question or follow-up left the bank, or that
    `may_ask` (a predicate on the card key, e.g. `drill_may_ask` bound to today) refuses."""
    queue = list(pending)
    while queue and (
        queue[0][0] not in by_id
        or not has_follow_up(by_id[queue[0][0]], queue[0][1])
        or (may_ask is not None and not may_ask(card_key(*queue[0])))
    ):
        queue.pop(0)
    return queue
