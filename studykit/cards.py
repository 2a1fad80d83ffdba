"""A study card is a question or one of its follow-ups: its key, prompt, reference answer and key points."""

from __future__ import annotations

from studykit.schema import KeyPoint, Question

FOLLOW_UP_SEP = "#f"


def card_key(question_id: str, follow_up: int | None = None) -> str:
    """The scheduling key: the question id, or ``"<id>#f<n>"`` for follow-up n (1-based)."""
    return question_id if follow_up is None else f"{question_id}{FOLLOW_UP_SEP}{follow_up}"


def split_card_key(key: str) -> tuple[str, int | None]:
    """Inverse of `card_key`."""
    qid, sep, rest = key.partition(FOLLOW_UP_SEP)
    return (qid, int(rest)) if sep and rest.isdigit() else (key, None)


def follow_up_keys(question: Question) -> list[str]:
    """The card keys of the question's follow-ups, in order."""
    return [card_key(question.id, n) for n in range(1, len(question.follow_ups) + 1)]


def card_parts(
    question: Question, follow_up: int | None, lang: str
) -> tuple[str, str, list[KeyPoint]]:
    """(prompt, full answer, key points) of a question or of its follow-up n."""
    if follow_up is None:
        return (
            question.question.get(lang),
            question.answer.full.get(lang),
            list(question.answer.key_points),
        )
    item = question.follow_ups[follow_up - 1]
    return item.question.get(lang), item.answer.get(lang), list(item.key_points)


def has_follow_up(question: Question, follow_up: int | None) -> bool:
    """Whether the question (still) has follow-up n; the main question (None) always exists."""
    return follow_up is None or 1 <= follow_up <= len(question.follow_ups)
