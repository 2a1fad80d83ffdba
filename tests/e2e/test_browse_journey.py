"""A learner's first visit in a real browser: Home -> Browse -> search in Chinese -> reveal -> English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import screenshot, wait_idle

pytestmark = pytest.mark.e2e


def test_search_open_reveal_and_switch_language(app_server: str, page) -> None:
    page.goto(app_server)
    wait_idle(page)
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_role("heading", name="LoRA 面试实验室")).to_be_visible()
    screenshot(page, "home-zh")

    page.get_by_test_id("stTopNavLink").filter(has_text="题库").click()
    wait_idle(page)
    expect(main.get_by_role("heading", name="题库")).to_be_visible()

    search = page.get_by_label("搜索（中文或英文，例如：初始化、dropout、合并）")
    search.fill("初始化")
    search.press("Enter")
    wait_idle(page)
    expect(page.get_by_text("道题").first).to_be_visible()

    options = page.locator("[data-testid='stRadio'] [role='radiogroup'] label")
    expect(options.first).to_be_visible()
    chosen = options.nth(min(1, options.count() - 1))
    title = chosen.inner_text().split(" · ")[0].strip()  # the row also shows difficulty · status
    chosen.click()
    wait_idle(page)
    expect(main.get_by_role("heading", name=title)).to_be_visible()
    expect(main.get_by_text("参考答案")).to_have_count(0)

    page.get_by_role("button", name="显示答案").click()
    wait_idle(page)
    expect(main.get_by_role("heading", name="参考答案")).to_be_visible()
    expect(main.get_by_role("heading", name="答题要点")).to_be_visible()
    screenshot(page, "browse-answer-zh")

    page.get_by_text("English", exact=True).click()
    wait_idle(page)
    expect(main.get_by_role("heading", name="Question bank")).to_be_visible()
    expect(main.get_by_role("heading", name="Model answer")).to_be_visible()
    expect(page.locator("[data-testid='stMarkdownContainer'] .katex").first).to_be_attached()
    screenshot(page, "browse-answer-en")
