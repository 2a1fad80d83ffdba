"""Interview answers: every question and follow-up of the shipped bank has one, short enough to say in a minute."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from studykit.bank import Bank, load_bank
from studykit.interview import (
    EN_WORD_LIMIT,
    ZH_CHAR_LIMIT,
    en_words,
    interview_problems,
    interview_text,
    zh_chars,
)
from studykit.schema import Question, Text

ROOT = Path(__file__).resolve().parents[2]
BARE_TAG = re.compile(r"(?<!`)<\|?[A-Za-z][\w|]*>(?!`)")


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(ROOT / "questions")


def test_every_question_and_follow_up_has_an_interview_answer_within_the_limits(bank: Bank) -> None:
    problems = [
        f"{q.id} {where}: {message}"
        for q in bank.questions
        for where, message in interview_problems(q)
    ]
    assert problems == [], f"{len(problems)} problem(s):\n" + "\n".join(problems)


def test_interview_answers_are_spoken_text_not_documents(bank: Bank) -> None:
    for question in bank.questions:
        for n in [None, *range(1, len(question.follow_ups) + 1)]:
            text = interview_text(question, n)
            if text is None:
                continue  # reported by the test above
            for value in (text.zh, text.en):
                assert "```" not in value and "|---" not in value, question.id
                # the Markdown renderer drops raw HTML, so a bare <cls> would vanish: quote it as code
                assert not BARE_TAG.search(value), (question.id, BARE_TAG.search(value))
                assert not any(line.lstrip().startswith("#") for line in value.splitlines()), (
                    question.id
                )


def test_lengths_count_english_words_and_chinese_characters() -> None:
    assert en_words("LoRA freezes W0 and trains B·A  only.") == 7
    # Latin names, digits and punctuation do not count as Chinese characters
    assert zh_chars("冻结 W0，只训练 A 和 B。") == 6


def _with(question: Question, main: Text | None, follow_up: Text | None) -> Question:
    answer = question.answer.model_copy(update={"interview": main})
    follow_ups = [f.model_copy(update={"interview": follow_up}) for f in question.follow_ups]
    return question.model_copy(update={"answer": answer, "follow_ups": follow_ups})


def test_problems_name_the_missing_and_the_overlong(bank: Bank) -> None:
    question = next(q for q in bank.questions if q.follow_ups)
    ok = Text(zh="冻结基座，只训练低秩增量。", en="Freeze the base and train a low-rank update.")
    assert interview_problems(_with(question, ok, ok)) == []
    missing = interview_problems(_with(question, None, ok))
    assert missing == [("answer", "no interview answer")]
    too_long = Text(zh="长" * (ZH_CHAR_LIMIT + 1), en="word " * (EN_WORD_LIMIT + 1))
    messages = dict.fromkeys(w for w, _ in interview_problems(_with(question, ok, too_long)))
    assert list(messages) == [f"follow_ups[{n}]" for n in range(len(question.follow_ups))]
    at_limit = Text(zh="长" * ZH_CHAR_LIMIT, en="word " * EN_WORD_LIMIT)
    assert interview_problems(_with(question, at_limit, at_limit)) == []
    no_english = interview_problems(_with(question, Text(zh="只有中文。"), ok))
    assert no_english == [("answer", "interview answer has no English")]
