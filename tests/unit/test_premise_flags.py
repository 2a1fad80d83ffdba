"""Prompts that still carry a source document's false premise are flagged in both languages (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from studykit.bank import Bank, load_bank
from studykit.schema import Question

ROOT = Path(__file__).resolve().parents[2]
FLAGGED = [
    "s002-q04-init-a-random-b-zero",
    "s000-a-q08-generalization",
    "s004-q03-advantages",
    "s004-q07-implement-lora-adapter",
]


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(ROOT / "questions")


def by_id(bank: Bank) -> dict[str, Question]:
    return {question.id: question for question in bank.questions}


@pytest.mark.parametrize("question_id", FLAGGED)
def test_false_premise_prompts_carry_a_flag_in_both_languages(bank: Bank, question_id: str) -> None:
    premise = by_id(bank)[question_id].premise
    assert premise is not None
    assert premise.zh.startswith("题目的前提")
    assert premise.en.startswith("The question's premise")


def test_every_flag_names_the_premise_and_says_what_is_true(bank: Bank) -> None:
    flagged = [q for q in bank.questions if q.premise is not None]
    assert {q.id for q in flagged} >= set(FLAGGED)
    for question in flagged:
        assert len(question.premise.zh) >= 20 and len(question.premise.en.split()) >= 10, (
            question.id
        )
