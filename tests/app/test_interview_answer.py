"""The one-minute interview answer is revealed first, above the full answer, in Browse and in the quiz."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

import ui.core
from studykit.bank import Bank
from studykit.schema import BankFile
from tests.support.quiz_bank import FIXTURE

MAIN = {
    "zh": "冻结 **W0**，只训练低秩的 B 和 A。",
    "en": "Freeze **W0** and train only the low-rank B and A.",
}
FOLLOW_UP = {"zh": "B=0 保证开始时 ΔW=0。", "en": "B=0 makes ΔW zero at the start."}
FOLLOW_UP_FULL = {"zh": "使训练开始时 ΔW=0。", "en": "So that ΔW=0 at the start."}


@pytest.fixture
def bank_with_interviews(monkeypatch: pytest.MonkeyPatch) -> Bank:
    data = copy.deepcopy(FIXTURE)
    first = data["questions"][0]
    first["answer"]["interview"] = MAIN
    first["follow_ups"][0]["interview"] = FOLLOW_UP
    bank = Bank(files=[BankFile.model_validate(data)])
    monkeypatch.setattr(ui.core, "get_bank", lambda: bank)
    return bank


def markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def position(texts: list[str], needle: str) -> int:
    return next(i for i, text in enumerate(texts) if needle in text)


@pytest.mark.parametrize(
    ("lang", "label", "full_label"),
    [
        ("zh", "面试怎么答（1 分钟）", "参考答案"),
        ("en", "Interview answer (1 minute)", "Model answer"),
    ],
)
def test_browse_reveals_the_interview_answer_above_the_full_answer(
    bank_with_interviews: Bank,
    open_page: Callable[..., AppTest],
    lang: str,
    label: str,
    full_label: str,
) -> None:
    at = open_page("pages/browse.py", lang=lang)
    assert not any(MAIN[lang] in text for text in markdown(at))  # hidden until revealed
    at.button(key="browse_reveal").click().run()
    texts = markdown(at)
    assert position(texts, label) < position(texts, MAIN[lang]) < position(texts, full_label)
    # the follow-up's expander starts with its own interview answer, before its full answer
    assert position(texts, FOLLOW_UP[lang]) < position(texts, FOLLOW_UP_FULL[lang])


def test_quiz_reveals_the_interview_answer_first(
    bank_with_interviews: Bank, open_page: Callable[..., AppTest]
) -> None:
    at = open_page("pages/quiz.py", lang="en")
    assert not any(MAIN["en"] in text for text in markdown(at))
    at.button(key="review_reveal").click().run()
    assert not at.exception, at.exception
    texts = markdown(at)
    assert position(texts, "Interview answer (1 minute)") < position(texts, MAIN["en"])
    assert position(texts, MAIN["en"]) < position(texts, "Reference answer to:")
    at.button(key="review_rate_3").click().run()  # on to follow-up 1, which has its own
    at.button(key="review_reveal").click().run()
    texts = markdown(at)
    assert position(texts, FOLLOW_UP["en"]) < position(texts, FOLLOW_UP_FULL["en"])


def test_quiz_without_an_interview_answer_shows_no_empty_box(
    open_page: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    bank = Bank(files=[BankFile.model_validate(copy.deepcopy(FIXTURE))])
    monkeypatch.setattr(ui.core, "get_bank", lambda: bank)
    at = open_page("pages/quiz.py", lang="en")
    at.button(key="review_reveal").click().run()
    assert not any("Interview answer" in text for text in markdown(at))
