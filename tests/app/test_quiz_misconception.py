"""AppTest (issue 11): a learner types a misconception, sees it named, quoted and corrected, and can still
override the proposed Again; the mock-interview report shows the same per-point feedback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.quiz_app import log_rows, open_quiz, use_bank
from tests.support.quiz_bank import fixture_bank

WRONG_ZH = "LoRA 用低秩分解 ΔW=BA，缩放是 α/r，原始权重也会一起训练。"
WRONG_EN = "It is a low-rank decomposition scaled by alpha/r, and the pretrained weights are trained as well."


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def _texts(at) -> str:
    return "\n".join(x.value for x in at.text)


def test_misconception_is_named_quoted_and_corrected(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_bank(monkeypatch, fixture_bank())
    at = open_quiz("zh")
    at.text_area(key="review_answer_fx-q1").input(WRONG_ZH).run()
    at.button(key="review_reveal").click().run()
    assert not at.exception
    markdown = _markdown(at)
    assert "误区：以为原始权重也参与训练" in markdown  # named
    assert "LoRA 冻结原始权重 W0，只训练 A 和 B。" in markdown  # corrected
    assert "原始权重也会一起训练" in _texts(at)  # the learner's sentence, as text
    assert "LoRA paper (arXiv 2106.09685) §4.1" in _texts(at)  # with its evidence
    assert "答错" in markdown
    assert any("误区" in w.value for w in at.warning)
    proposed = [
        b.key
        for b in at.button
        if (b.key or "").startswith("review_rate_") and b.proto.type == "primary"
    ]
    assert proposed == ["review_rate_1"]  # Again
    at.button(key="review_rate_3").click().run()  # the learner overrides it
    (row,) = log_rows()
    assert (row.proposed_rating, row.rating) == (1, 3)
    assert 1 in row.missed_points


def test_misconception_in_english_and_learner_text_is_not_markdown(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_bank(monkeypatch, fixture_bank())
    at = open_quiz("en")
    typed = WRONG_EN + " **bold** [link](http://example.com)"
    at.text_area(key="review_answer_fx-q1").input(typed).run()
    at.button(key="review_reveal").click().run()
    markdown = _markdown(at)
    assert "Misconception: Believing the base weights are trained too" in markdown
    assert "LoRA freezes the base weights W0 and trains only A and B." in markdown
    assert (
        "**bold**" not in markdown and "example.com" not in markdown
    )  # never rendered as Markdown
    assert "the pretrained weights are trained as well" in _texts(at)


def test_mock_report_names_the_misconception(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_bank(monkeypatch, fixture_bank())
    at = open_quiz("en", mode="mock")
    at.slider(key="mock_n").set_value(4).run()
    at.toggle(key="mock_followups").set_value(False).run()
    at.button(key="mock_start").click().run()
    steps = at.session_state["mock"]["steps"]
    for index, (qid, _) in enumerate(steps):
        if qid == "fx-q1":
            at.text_area(key=f"mock_answer_{index}").input(WRONG_EN).run()
        elif qid == "fx-q2":
            at.text_area(key=f"mock_answer_{index}").input("B is zero and A is random").run()
        at.button(key="mock_submit").click().run()
    assert not at.exception, at.exception
    assert at.session_state["mock"]["done"], at.session_state["mock"]
    assert any(h.value == "Interview report" for h in at.subheader), [h.value for h in at.subheader]
    assert "Misconception: Believing the base weights are trained too" in _markdown(at)
    assert "the pretrained weights are trained as well" in _texts(at)
    table = at.dataframe[0].value
    assert table["Contradicted"].sum() == 1
