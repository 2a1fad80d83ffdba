"""One row of Browse's question list: the prompt, its difficulty and the learner's status."""

from __future__ import annotations

from fsrs import State
from sqlalchemy.exc import SQLAlchemyError

from studykit.bank import Bank
from studykit.i18n import translate
from studykit.schema import Question
from ui.quiz.progress import load_progress
from ui.quiz.session import current_profile, get_store, now_utc

STATUSES = ("new", "learning", "due", "review")


def row_statuses(bank: Bank) -> dict[str, str]:
    """Question id -> new | learning | due | review for the active learner ({} without a store)."""
    try:
        store = get_store()
        profile_id, _ = current_profile(store)
        if not profile_id:
            return {}
        cards = load_progress(store, profile_id, bank).replay.cards
    except SQLAlchemyError:  # the list still works without progress
        return {}
    now = now_utc()
    statuses = {}
    for question in bank.questions:
        card = cards.get(question.id)
        if card is None:
            statuses[question.id] = "new"
        elif card.due <= now:
            statuses[question.id] = "due"
        elif card.state in (State.Learning, State.Relearning):
            statuses[question.id] = "learning"
        else:
            statuses[question.id] = "review"
    return statuses


def row_label(question: Question, status: str | None, lang: str) -> str:
    """ "Prompt · difficulty · status" (status left out when progress is unavailable)."""
    parts = [
        question.question.get(lang),
        f":violet[{translate(f'meta.difficulty.{question.difficulty}', lang)}]",
    ]
    if status:
        parts.append(f":gray[{translate(f'browse.status.{status}', lang)}]")
    return " · ".join(parts)
