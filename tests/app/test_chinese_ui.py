"""The Chinese UI shows no English UI text (issue 14): every page opened in Chinese through AppTest,
every string of every element collected, and known English phrases looked for; Streamlit's own
multiselect texts replaced or hidden; chart dates formatted in Chinese; no "None" table cells;
translated Lab pitfall messages and import refusals."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

import ui.core
from studykit.i18n import translate
from studykit.progress_io import ImportRefused, parse_progress
from tests.support.app_session import open_app
from tests.support.quiz_bank import fixture_bank

# English UI phrases (Streamlit defaults and our own English strings) that must not reach zh pages
ENGLISH = (
    "Choose options",
    "Choose an option",
    "Select all",
    "Import refused",
    "got LoRA",
    "matched two layers",
    "Without a task type",
    "counts the classifier twice",
    "Reviewed today",
    "Undo",
    "Reveal",
    "Key points",
    "Reference answer",
    "Coverage",
    "Export",
    "Question by question",
    "Follow-up",
    "Asked after this question",
    "Skip the remaining",
    "Due",
)
ENGLISH_INTERVAL = re.compile(r"· \d+(\.\d+)?(m|mo|h|d|y)$")  # "Again · 1m" on a grade button
MONTHS = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")


@pytest.fixture(autouse=True)
def fixture_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LORA_LAB_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("LORA_LAB_DATABASE_URL", raising=False)
    monkeypatch.setattr(ui.core, "get_bank", fixture_bank)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()


def _strings(message: Message) -> Iterator[str]:
    """Every string field of a protobuf message, recursively (labels, values, placeholders, JSON)."""
    for field, value in message.ListFields():
        values = value if field.is_repeated else [value]
        for item in values:
            if isinstance(item, Message):
                yield from _strings(item)
            elif isinstance(item, str):
                yield item


def _elements(at: AppTest) -> Iterator[object]:
    stack = [at._tree]
    while stack:
        node = stack.pop()
        if getattr(node, "proto", None) is not None and isinstance(node.proto, Message):
            yield node
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            stack.extend(children.values())


def _check_chinese(at: AppTest, where: str) -> None:
    assert not at.exception, at.exception
    texts = [s for element in _elements(at) for s in _strings(element.proto)]
    found = sorted({p for p in ENGLISH for s in texts if p in s})
    assert not found, f"{where}: English UI text {found}"
    for button in at.button:
        assert not ENGLISH_INTERVAL.search(button.label), f"{where}: {button.label!r}"
    for multiselect in at.multiselect:
        assert multiselect.proto.placeholder and "Choose" not in multiselect.proto.placeholder
        assert not multiselect.proto.select_all, f"{where}: 'Select all' shown"
    for chart in at.get("plotly_chart"):
        layout = json.loads(chart.proto.spec)["layout"]
        if layout.get("xaxis", {}).get("type") == "date":
            assert "月" in layout["xaxis"]["tickformat"], f"{where}: English month labels"
        assert not MONTHS.search(json.dumps(layout)), where
    for frame in at.dataframe:
        value = frame.value
        assert isinstance(value, pd.DataFrame)
        assert not value.isna().any().any(), f"{where}: a None cell"
        assert not (value.astype(str) == "None").any().any(), f"{where}: a None cell"


def test_study_pages_show_no_english_ui_text() -> None:
    at = open_app(timeout=90)
    _check_chinese(at, "home")
    at.switch_page("pages/browse.py").run()
    _check_chinese(at, "browse")
    at.button(key="browse_reveal").click().run()
    _check_chinese(at, "browse, answer shown")
    at.switch_page("pages/notes.py").run()
    _check_chinese(at, "notes")
    at.switch_page("pages/quiz.py").run()
    _check_chinese(at, "quiz")
    at.button(key="review_reveal").click().run()
    _check_chinese(at, "quiz, answer shown")
    at.button(key="review_rate_3").click().run()
    at.button_group(key="quiz_mode").set_value("cram").run()
    _check_chinese(at, "cram")
    at.button_group(key="quiz_mode").set_value("mock").run()
    at.slider(key="mock_n").set_value(1).run()
    at.toggle(key="mock_followups").set_value(False).run()
    at.button(key="mock_start").click().run()
    at.button(key="mock_submit").click().run()  # no answer: coverage may be missing
    _check_chinese(at, "mock report")
    at.switch_page("pages/stats.py").run()
    _check_chinese(at, "progress")
    # Streamlit's own "Upload" / "per file" cannot be translated: a Chinese line explains them
    assert translate("common.uploader_hint", "zh") in [c.value for c in at.caption]


def test_follow_up_cards_show_no_english_ui_text() -> None:
    """A follow-up in the drill, and one due in the daily queue under its parent's prompt."""
    from datetime import UTC, datetime, timedelta

    from studykit.progress_location import database_url
    from studykit.store import NewReview, open_store

    at = open_app("pages/quiz.py", timeout=90)
    at.button(key="review_reveal").click().run()
    at.button(key="review_rate_4").click().run()  # fx-q1 Easy: its follow-ups are drilled
    _check_chinese(at, "drilled follow-up")
    at.button(key="review_reveal").click().run()
    _check_chinese(at, "drilled follow-up, answer shown")

    store = open_store(database_url())  # another learner graded fx-q1's follow-up Again yesterday
    yesterday = datetime.now(UTC) - timedelta(days=1)
    pid = store.ensure_profile("学习者").id
    store.add_review(pid, NewReview("fx-q1", "fx-q1", yesterday, 4))
    store.add_review(pid, NewReview("fx-q1", "fx-q1#f1", yesterday, 1))
    store.dispose()
    st.cache_resource.clear()
    at = open_app("pages/quiz.py", query={"learner": "学习者"}, timeout=90)
    assert any(c.value == "追问 1/2" for c in at.caption), [c.value for c in at.caption]
    _check_chinese(at, "follow-up due in the queue")
    at.button(key="review_reveal").click().run()
    _check_chinese(at, "follow-up due in the queue, answer shown")


def test_lab_pitfalls_are_translated() -> None:
    from lora_demo import LoraSettings, count

    settings = (
        LoraSettings(targets=("query", "key", "value", "dense"), task_type="none"),
        LoraSettings(targets=("output.dense",)),
        LoraSettings(targets=("all-linear",), head="seq"),
        LoraSettings(targets=("query", "dense"), head="seq"),
    )
    seen = set()
    for setting in settings:
        for pitfall in count(setting).pitfalls:
            seen.add(pitfall.code)
            zh = translate(f"lab.pitfall_detail.{pitfall.code}", "zh", **dict(pitfall.details))
            assert re.search(r"[\u4e00-\u9fff]", zh) and pitfall.message not in zh
            en = translate(f"lab.pitfall_detail.{pitfall.code}", "en", **dict(pitfall.details))
            assert en == pitfall.message  # the English text is the engine's own message
    assert len(seen) >= 5


@pytest.mark.parametrize(
    "raw",
    [
        b"\xff\xfe",
        b"{not json",
        b'{"format": "other"}',
        b'{"format": "lora-interview-lab-progress"}',
    ],
)
def test_import_refusals_are_translated(raw: bytes) -> None:
    with pytest.raises(ImportRefused) as refused:
        parse_progress(raw)
    reason = translate(f"stats.import_reason.{refused.value.code}", "zh", **refused.value.values)
    message = translate("stats.import_refused", "zh", reason=reason)
    assert re.search(r"[\u4e00-\u9fff]", reason), reason
    assert str(refused.value) not in message
    assert not re.search(r"\b(not|valid|expected|problem)\b", message), message
