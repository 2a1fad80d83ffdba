"""The Lab in a real browser: move the r slider with the keyboard and read the new exact count."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import screenshot, wait_idle

pytestmark = pytest.mark.e2e

# esm2_t6_8M, sequence head, query + value, all 6 layers: 2·r·320·2·6 + classifier copy (103,362).
COUNT_R8 = "164,802"
COUNT_R12 = "195,522"


def test_move_r_slider_and_read_the_count(app_server: str, page) -> None:
    page.goto(f"{app_server}/lab")
    wait_idle(page)
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_role("heading", name="LoRA 实验室")).to_be_visible()
    trainable = main.get_by_test_id("stMetricValue").first
    expect(trainable).to_have_text(COUNT_R8)
    expect(main.get_by_text("闭式公式与 PEFT 完全一致")).to_be_visible()
    screenshot(page, "lab-zh")

    thumb = main.locator("input[type='range'][aria-label='r']")
    thumb.focus()
    for _ in range(4):
        thumb.press("ArrowRight")
    thumb.press("Tab")  # leave the slider: the final value is sent
    wait_idle(page)
    expect(thumb).to_have_attribute("aria-valuetext", "12")
    expect(trainable).to_have_text(COUNT_R12)
    expect(main.get_by_text("闭式公式与 PEFT 完全一致")).to_be_visible()
    screenshot(page, "lab-zh-r12")

    page.goto(f"{app_server}/lab?lang=en&exp=merge-equivalence")
    wait_idle(page)
    expect(main.get_by_role("heading", name="LoRA Lab")).to_be_visible()
    expect(main.get_by_text("Merge equivalence").first).to_be_visible()
    main.get_by_role("button", name="Run check").click()
    wait_idle(page)
    expect(main.get_by_text("All three merges are within 1e-5")).to_be_visible()
    screenshot(page, "lab-en-merge")
    main.get_by_text("B = 0 (untrained)").click()  # the first misleading case
    wait_idle(page)
    expect(main.get_by_text("proves nothing here")).to_be_visible()
    page.set_viewport_size({"width": 1366, "height": 1800})
    screenshot(page, "lab-en-merge-b0")


def test_tabs_and_a_short_training_run(app_server: str, page) -> None:
    """Each tab in English on a tall window (screenshots for review), then a 5-step comparison."""
    page.set_viewport_size({"width": 1366, "height": 1800})
    page.goto(f"{app_server}/lab?lang=en")
    wait_idle(page)
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_test_id("stMetricValue").first).to_have_text("164,802")
    sweep = main.get_by_test_id("stImage").locator("img").first  # the r-sweep chart (SVG)
    expect(sweep).to_be_visible()
    assert sweep.evaluate("img => img.complete && img.naturalWidth > 0")  # decoded, not broken
    screenshot(page, "lab-en-params")
    for tab, name in (
        ("Matched modules", "matched"),
        ("Memory", "memory"),
        ("Experiments", "experiments"),
    ):
        main.get_by_role("tab", name=tab).click()
        wait_idle(page)
        screenshot(page, f"lab-en-{name}")

    main.get_by_role("tab", name="Training").click()
    steps = main.locator("[data-testid='stSlider']").filter(has_text="Steps").get_by_role("slider")
    steps.focus()
    steps.press("Home")  # 5 steps
    wait_idle(page)
    main.get_by_role("button", name="Train").click()
    wait_idle(page)
    expect(main.get_by_text("Training finished")).to_be_visible()
    expect(main.get_by_text("Full fine-tuning").first).to_be_visible()
    screenshot(page, "lab-en-training")


def test_stop_interrupts_a_running_comparison(app_server: str, page) -> None:
    page.goto(f"{app_server}/lab?lang=en")
    wait_idle(page)
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_role("tab", name="Training").click()
    steps = main.locator("[data-testid='stSlider']").filter(has_text="Steps").get_by_role("slider")
    steps.focus()
    steps.press("End")  # 3 runs × 100 steps: far longer than the test
    wait_idle(page)
    main.get_by_role("button", name="Train").click()
    # any step of the first run: a step takes tens of milliseconds, so one exact step may never be seen
    expect(main.get_by_text(re.compile(r"step \d+/100"))).to_be_visible()
    main.get_by_role("button", name="Stop").click()
    expect(main.get_by_text("Training stopped")).to_be_visible()
    wait_idle(page)
    expect(main.get_by_text("Training loss")).to_be_visible()  # the partial curves stay
    expect(main.get_by_test_id("stProgress")).to_have_count(0)
    screenshot(page, "lab-en-stopped")
