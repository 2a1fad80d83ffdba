"""A card's parts (prompt, answer, key points) for a question and for its follow-ups."""

from __future__ import annotations

from studykit.cards import card_parts, has_follow_up
from tests.support.quiz_bank import fixture_bank


def test_card_parts_of_question_and_follow_up() -> None:
    q1 = fixture_bank().by_id()["fx-q1"]
    prompt, full, points = card_parts(q1, None, "en")
    assert prompt == "What is the principle of LoRA?" and full.startswith("Reference answer")
    assert len(points) == 3
    prompt, full, points = card_parts(q1, 1, "zh")
    assert prompt == "为什么 B 初始化为零？" and full == "使训练开始时 ΔW=0。" and len(points) == 1
    assert card_parts(q1, 2, "en")[2] == []


def test_has_follow_up() -> None:
    q1 = fixture_bank().by_id()["fx-q1"]
    assert has_follow_up(q1, None) and has_follow_up(q1, 2)
    assert not has_follow_up(q1, 3)
