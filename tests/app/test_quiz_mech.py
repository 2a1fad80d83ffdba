"""Smaller study mechanics (issue 14): the mock report's per-question review, the Progress page's
"today" (daily-review grades only), the forecast axis from 0, and the Anki deck on the page."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import streamlit as st

import ui.core
from studykit.bank_markdown import key_point_markdown
from studykit.progress_location import database_url
from studykit.store import NewReview, open_store
from tests.support.app_session import open_app
from tests.support.quiz_bank import fixture_bank


@pytest.fixture(autouse=True)
def fixture_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LORA_LAB_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("LORA_LAB_DATABASE_URL", raising=False)
    monkeypatch.setattr(ui.core, "get_bank", fixture_bank)
    st.cache_resource.clear()
    st.cache_data.clear()


def test_mock_report_shows_reference_answer_and_missed_points() -> None:
    at = open_app("pages/quiz.py", "en")
    at.button_group(key="quiz_mode").set_value("mock").run()
    at.slider(key="mock_n").set_value(1).run()
    at.toggle(key="mock_followups").set_value(False).run()
    at.button(key="mock_start").click().run()
    qid = at.session_state["mock"]["steps"][0][0]
    question = fixture_bank().by_id()[qid]
    at.text_area(key="mock_answer_0").input("**not markdown** <b>x</b>").run()
    at.button(key="mock_submit").click().run()
    assert not at.exception
    assert next(e.label for e in at.expander).startswith("1. ")
    texts = [e.value for e in at.text]
    assert "**not markdown** <b>x</b>" in texts  # the learner's words, as text
    markdown = "\n".join(m.value for m in at.markdown)
    assert "Reference answer" in markdown
    assert question.answer.full.en.strip() in markdown
    for point in question.answer.key_points:  # a nonsense answer misses every point
        assert f"**Missed** · {key_point_markdown(point.text.en)}" in markdown


def _grade(mode: str, minutes: int) -> None:
    store = open_store(database_url())
    pid = store.ensure_profile("default").id
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    store.add_review(
        pid, NewReview("fx-q1", f"fx-q{minutes}", now.replace(minute=minutes), 3, mode)
    )
    store.dispose()


def test_progress_today_counts_daily_review_only_and_forecast_starts_at_zero() -> None:
    at = open_app("pages/stats.py", "en")
    forecast = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert forecast["layout"]["yaxis"]["range"][0] == 0  # an empty learner: 0…, not −1…1
    _grade("review", 1)
    _grade("cram", 2)
    _grade("mock", 3)
    at.run()
    today = next(m.value for m in at.metric if m.label == "Today")
    assert today == "1"  # as the quiz's "Reviewed today": cram and mock steps do not count


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_progress_page_offers_the_anki_deck(lang: str) -> None:
    at = open_app("pages/stats.py", lang)
    keys = {e.proto.id.split("-")[-1] for e in at.get("download_button")}
    labels = [e.proto.label for e in at.get("download_button")]
    assert any(".apkg" in label for label in labels), labels
    assert keys  # the page drew its download buttons


def test_browse_shows_answer_code_as_wrapped_code_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    from studykit.bank import load_bank
    from studykit.bank_markdown import split_code_blocks

    bank = load_bank()
    with_code = [q for q in bank.questions if "```" in q.answer.full.zh]
    if not with_code:
        pytest.skip("no answer with a code block in the bank")
    question = with_code[0]
    monkeypatch.setattr(ui.core, "get_bank", lambda: bank)
    at = open_app("pages/browse.py", "zh", query={"q": question.id, "reveal": "1"})
    blocks = [s.text for s in split_code_blocks(question.answer.full.zh) if s.is_code]
    shown = [c for c in at.code if c.value in blocks]
    assert len(shown) == len(blocks)
    assert all(c.proto.wrap_lines for c in shown)  # long lines wrap instead of being clipped
