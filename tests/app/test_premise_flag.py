"""A prompt that repeats a document's false premise shows its flag under the question, in Browse and the quiz."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

import ui.core
from studykit.bank import Bank
from studykit.schema import BankFile
from tests.support.quiz_bank import FIXTURE

PREMISE = {
    "zh": "题目的前提并不成立：LoRA **不是**模型压缩技术。",
    "en": "The question's premise is false: LoRA is **not** a model-compression technique.",
}


@pytest.fixture
def bank_with_premise(monkeypatch: pytest.MonkeyPatch) -> Bank:
    data = copy.deepcopy(FIXTURE)
    data["questions"][0]["premise"] = PREMISE
    bank = Bank(files=[BankFile.model_validate(data)])
    monkeypatch.setattr(ui.core, "get_bank", lambda: bank)
    return bank


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_browse_shows_the_premise_flag_before_the_answer_is_revealed(
    bank_with_premise: Bank, open_page: Callable[..., AppTest], lang: str
) -> None:
    at = open_page("pages/browse.py", lang=lang)
    assert not at.exception, at.exception
    assert PREMISE[lang] in warnings(at)


def test_quiz_shows_the_premise_flag_on_the_main_card_only(
    bank_with_premise: Bank, open_page: Callable[..., AppTest]
) -> None:
    at = open_page("pages/quiz.py", lang="en")
    assert not at.exception, at.exception
    assert PREMISE["en"] in warnings(at)
    at.button(key="review_reveal").click().run()
    at.button(key="review_rate_3").click().run()  # on to follow-up 1: its own prompt, no flag
    assert PREMISE["en"] not in warnings(at)


def test_questions_without_a_premise_show_no_flag(
    open_page: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    bank = Bank(files=[BankFile.model_validate(copy.deepcopy(FIXTURE))])
    monkeypatch.setattr(ui.core, "get_bank", lambda: bank)
    at = open_page("pages/browse.py", lang="en")
    assert not any("premise" in text for text in warnings(at))
