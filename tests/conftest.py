"""Shared fixtures: a throwaway PostgreSQL server for the store tests (started only when a test asks)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import tests.support.browser as _BROWSER
from tests.support.postgres import pg_bin, throwaway_postgres

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # no test may reach a model hub
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A SQLAlchemy URL of an empty PostgreSQL database: $LORA_LAB_TEST_PG_URL, or a server started here."""
    if url := os.environ.get("LORA_LAB_TEST_PG_URL"):
        yield url
        return
    bin_dir = pg_bin()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed; .ci/run must install the postgresql package")
        pytest.skip("PostgreSQL server binaries not found (apt-get install postgresql)")
    with throwaway_postgres(bin_dir) as url:
        yield url


# One Playwright instance for the whole test session: its sync API runs an event loop in this thread,
# so a second `sync_playwright()` (e.g. in another folder's fixture) would fail while the first is open.
@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(_BROWSER.CHROMIUM) and not Path(_BROWSER.CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {_BROWSER.CHROMIUM}; .ci/run must install it")
        pytest.skip(f"Chromium not found at {_BROWSER.CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_BROWSER.CHROMIUM, headless=True, args=_BROWSER.CHROMIUM_ARGS
        )
        yield browser
        browser.close()
