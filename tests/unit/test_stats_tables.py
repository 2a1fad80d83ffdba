"""Rows behind the stats tables: today's count, main cards, weak-point texts, leech prompts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from studykit.schedule import new_card
from studykit.stats import WeakPoint, leech_prompt, main_cards, reviews_on, weak_point_texts
from tests.support.quiz_bank import fixture_bank

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class R:
    reviewed_at: datetime
    mode: str = "review"


def test_reviews_on_counts_one_mode_on_one_day() -> None:
    reviews = [R(T0), R(T0 + timedelta(hours=1)), R(T0, "cram"), R(T0 - timedelta(days=1))]
    assert reviews_on(reviews, T0.date(), UTC) == 2
    assert reviews_on(reviews, T0.date(), UTC, mode="cram") == 1


def test_main_cards_leave_out_follow_ups() -> None:
    cards = {k: new_card(k, T0) for k in ("fx-q1", "fx-q1#f1", "fx-q2")}
    assert main_cards(cards) == [cards["fx-q1"], cards["fx-q2"]]


def test_weak_point_texts_skip_points_gone_from_the_bank() -> None:
    by_id = fixture_bank().by_id()
    weak = [WeakPoint("fx-q1", None, 1, 2, 3), WeakPoint("fx-q1", 1, 5, 1, 1)]
    ((question, point, w),) = weak_point_texts(weak, by_id, "en")
    assert question == "What is the principle of LoRA?"
    assert point == "the pretrained weights are frozen" and w is weak[0]


def test_leech_prompt_falls_back_to_the_key() -> None:
    by_id = fixture_bank().by_id()
    assert leech_prompt("fx-q1#f1", by_id, "en") == "Why is B initialised to zero?"
    assert leech_prompt("fx-q2", by_id, "zh") == "LoRA 的 A、B 如何初始化？"
    assert leech_prompt("fx-q1#f9", by_id, "en") == "fx-q1#f9"
