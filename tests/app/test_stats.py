"""AppTest of the stats page: renders with data (charts, leeches, weak points), export and import."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import streamlit as st

import ui.core
from studykit.progress_io import export_progress
from studykit.progress_location import database_url
from studykit.store import open_store
from tests.support.app_session import open_app
from tests.support.quiz_bank import fixture_bank
from tests.support.stats_app import open_stats


def test_stats_page_renders_with_data(seeded: Path) -> None:
    at = open_stats()
    values = {m.label: m.value for m in at.metric}
    assert values["Total grades"] == "44"
    assert values["Streak"] == "21 day(s)"
    assert values["Leeches"] == "1"
    charts = at.get("plotly_chart")
    assert len(charts) == 4  # heatmap, forecast, mastery by tag, mastery by source
    heatmap = json.loads(charts[0].proto.spec)
    assert heatmap["data"][0]["type"] == "heatmap"
    assert sum(v or 0 for row in heatmap["data"][0]["z"] for v in row) == 44
    tables = [df.value for df in at.dataframe]
    assert any("Key point" in df.columns for df in tables)  # weakest key points
    assert any("Times Again" in df.columns for df in tables)  # leeches
    assert any("gone-q9" in c.value for c in at.caption)  # unknown id reported, kept


def test_stats_page_in_chinese_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LORA_LAB_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(ui.core, "get_bank", fixture_bank)
    st.cache_resource.clear()
    at = open_stats("zh")
    assert any("还没有复习记录" in i.value for i in at.info)


def test_import_refuses_malformed_and_accepts_export(seeded: Path) -> None:
    store = open_store(database_url())
    pid = store.get_profile("default").id
    export_progress(store, pid, "default", datetime.now(UTC))
    other = store.ensure_profile("friend").id
    store.dispose()
    at = open_app("pages/stats.py", "en", state={"active_profile": "friend"})
    assert {m.label: m.value for m in at.metric}["Total grades"] == "0"
    uploader = at.get("file_uploader")
    assert (
        uploader
    )  # the widget is present; upload itself is covered in tests/unit/test_progress_io.py
    store = open_store(database_url())
    assert store.reviews(other) == []
    store.dispose()
