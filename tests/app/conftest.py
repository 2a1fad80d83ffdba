"""AppTest helpers: run app.py, switch pages, isolate caches and the progress directory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import ui.core
from tests.support.app_session import open_app
from tests.support.quiz_bank import fixture_bank
from tests.support.stats_app import seed_three_weeks


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test gets empty caches and its own progress directory."""
    monkeypatch.setenv("LORA_LAB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The progress folder of a quiz test (no database URL), with empty caches."""
    monkeypatch.setenv("LORA_LAB_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("LORA_LAB_DATABASE_URL", raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    return tmp_path


@pytest.fixture
def open_page() -> Callable[..., AppTest]:
    """Open a page of the app the way a user does (tests.support.app_session.open_app)."""
    return open_app


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A progress store with three weeks of reviews, a leech, typed misses and an unknown id."""
    monkeypatch.setenv("LORA_LAB_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("LORA_LAB_DATABASE_URL", raising=False)
    monkeypatch.setattr(ui.core, "get_bank", fixture_bank)
    st.cache_resource.clear()
    seed_three_weeks()
    return tmp_path
