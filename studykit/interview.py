"""Interview answers: what a candidate would say in about a minute, and the limits that keep them that short."""

from __future__ import annotations

from studykit.schema import Question, Text
from studykit.text_fold import CJK_CHAR

EN_WORD_LIMIT = 90
ZH_CHAR_LIMIT = 180


def en_words(text: str) -> int:
    """Spoken length in English: whitespace-separated words."""
    return len(text.split())


def zh_chars(text: str) -> int:
    """Spoken length in Chinese: CJK characters (Latin names, digits and punctuation are not counted)."""
    return len(CJK_CHAR.findall(text))


def interview_text(question: Question, follow_up: int | None) -> Text | None:
    """The interview answer of a question (None) or of its follow-up n (1-based)."""
    if follow_up is None:
        return question.answer.interview
    return question.follow_ups[follow_up - 1].interview


def interview_problems(question: Question) -> list[tuple[str, str]]:
    """(where, message) for the main answer and each follow-up that lacks an interview answer or is too long."""
    problems: list[tuple[str, str]] = []
    places = [("answer", None)] + [
        (f"follow_ups[{n - 1}]", n) for n in range(1, len(question.follow_ups) + 1)
    ]
    for where, follow_up in places:
        text = interview_text(question, follow_up)
        if text is None:
            problems.append((where, "no interview answer"))
            continue
        if not text.en.strip():
            problems.append((where, "interview answer has no English"))
        words, chars = en_words(text.en), zh_chars(text.zh)
        if words > EN_WORD_LIMIT:
            problems.append(
                (where, f"interview answer has {words} English words (max {EN_WORD_LIMIT})")
            )
        if chars > ZH_CHAR_LIMIT:
            problems.append(
                (where, f"interview answer has {chars} Chinese characters (max {ZH_CHAR_LIMIT})")
            )
    return problems
