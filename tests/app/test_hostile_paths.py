"""No server paths on the page (issue 12, "also seen"): the read-only warning showed the data folder.

The progress location cannot be created (a file stands where its parent folder should be): the
sidebar and the quiz page say it cannot be written, naming at most the last part of the path.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st

import ui.core
from tests.support.app_session import open_app
from tests.support.quiz_bank import fixture_bank


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_read_only_warning_names_no_server_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    secret = tmp_path / "srv-private-data"
    secret.mkdir()
    blocker = secret / "file"
    blocker.write_text("x")
    monkeypatch.setenv("LORA_LAB_DATA_DIR", str(blocker / "sub"))  # cannot be created
    monkeypatch.delenv("LORA_LAB_DATABASE_URL", raising=False)
    monkeypatch.setattr(ui.core, "get_bank", fixture_bank)
    st.cache_resource.clear()
    at = open_app("pages/quiz.py", lang)
    warnings = [w.value for w in at.warning]
    said = "cannot be written" if lang == "en" else "不可写"
    assert sum(said in w for w in warnings) >= 2, warnings  # the sidebar and the quiz page
    shown = " ".join(warnings + [e.value for e in at.error] + [i.value for i in at.info])
    assert "srv-private-data" not in shown and str(tmp_path) not in shown, shown
