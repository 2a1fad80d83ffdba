"""Every page, in each language, in a real browser: it renders, shows no error or traceback, and is screenshotted."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import screenshot, wait_idle

pytestmark = pytest.mark.e2e

PAGES = {
    "home": ("首页", "Home"),
    "browse": ("题库", "Question bank"),
    "notes": ("学习笔记", "Study notes"),
    "quiz": ("自测", "Self-quiz"),
    "stats": ("学习统计", "Progress"),
    "lab": ("LoRA 实验室", "LoRA Lab"),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_in_language(app_server: str, page, name: str, lang: str) -> None:
    path = "" if name == "home" else name
    page.goto(f"{app_server}/{path}?lang={lang}")
    wait_idle(page)
    nav_title = PAGES[name][0 if lang == "zh" else 1]
    expect(page.get_by_test_id("stTopNavLink").filter(has_text=nav_title)).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stMainBlockContainer").get_by_role("heading").first).to_be_visible()
    body = page.get_by_test_id("stMainBlockContainer").inner_text()
    assert "Traceback" not in body
    if lang == "en":
        # The English edition shows no Chinese in the page body (content and UI strings are translated).
        chinese = [ch for ch in body if "\u4e00" <= ch <= "\u9fff"]
        assert len(chinese) < 20, "".join(chinese)[:200]
    screenshot(page, f"tour-{name}-{lang}")
