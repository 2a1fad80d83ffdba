"""Browser journey: open the quiz, reveal with Space, grade Good with "3", reload, see the question no
longer due and the stats updated; screenshots in Chinese and English."""

from __future__ import annotations

import pytest

from studykit.bank import load_bank
from tests.support.browser import metric_value, screenshot, wait_idle

pytestmark = pytest.mark.e2e


def _prompt(page: object) -> str:
    box = page.get_by_test_id("stMainBlockContainer").get_by_test_id("stVerticalBlock")
    cards = page.locator(
        "[data-testid='stMainBlockContainer'] [data-testid='stVerticalBlockBorderWrapper']"
    )
    return (cards.first if cards.count() else box.first).inner_text().strip()


def test_grade_reload_not_due_and_stats_updated(app_server: str, page: object) -> None:
    if not load_bank().questions:
        pytest.skip("the question bank is empty")
    page.set_viewport_size({"width": 1366, "height": 1500})
    # Open the router first: until some session has run st.navigation, a deep link to /quiz on a
    # fresh server falls back to Streamlit's legacy pages/ mode and skips app.py.
    page.goto(f"{app_server}/?lang=zh")
    wait_idle(page)
    page.goto(f"{app_server}/quiz?lang=zh")
    wait_idle(page)
    page.get_by_text("显示答案").first.wait_for()
    new_before = metric_value(page, "新题")
    assert metric_value(page, "今日已复习") == 0
    prompt = _prompt(page)

    page.get_by_role("heading", name="自测").first.click()  # focus the page, not a text box
    page.keyboard.press("Space")  # reveal
    wait_idle(page)
    page.get_by_text("参考答案").first.wait_for()
    screenshot(page, "quiz-revealed-zh")
    page.keyboard.press("3")  # Good
    wait_idle(page)
    page.get_by_text("已保存").first.wait_for()

    page.reload()
    wait_idle(page)
    page.get_by_test_id("stMetric").first.wait_for()
    assert metric_value(page, "今日已复习") == 1
    assert metric_value(page, "新题") == new_before - 1
    if new_before > 1:
        assert _prompt(page) != prompt  # the graded question is no longer due
    screenshot(page, "quiz-after-reload-zh")

    page.goto(f"{app_server}/stats?lang=zh")
    wait_idle(page)
    page.get_by_text("每日复习热力图").first.wait_for()
    assert metric_value(page, "总评分次数") == 1
    assert metric_value(page, "今日") == 1
    page.get_by_test_id("stPlotlyChart").first.wait_for()
    screenshot(page, "stats-zh")

    page.goto(f"{app_server}/quiz?lang=en")
    wait_idle(page)
    assert metric_value(page, "Reviewed today") == 1
    page.get_by_role("button", name="Show answer").click()
    wait_idle(page)
    page.get_by_text("Reference answer").first.wait_for()
    screenshot(page, "quiz-revealed-en")
    page.goto(f"{app_server}/stats?lang=en")
    wait_idle(page)
    page.get_by_test_id("stPlotlyChart").first.wait_for()
    assert metric_value(page, "Total grades") == 1
    screenshot(page, "stats-en")


def test_typing_an_answer_does_not_trigger_shortcuts_and_gets_feedback(
    app_server: str, page: object
) -> None:
    if not load_bank().questions:
        pytest.skip("the question bank is empty")
    page.set_viewport_size({"width": 1366, "height": 1500})
    page.goto(f"{app_server}/?lang=zh")
    wait_idle(page)
    page.goto(f"{app_server}/quiz?lang=zh")
    wait_idle(page)
    box = page.get_by_role("textbox", name="你的回答（可选）")
    box.click()
    typed = "LoRA 把权重更新写成低秩分解 ΔW = BA，B 初始化为 0，缩放 α/r，只训练 A 和 B 1 2 3"
    box.press_sequentially(typed)
    page.keyboard.press("Enter")  # a newline in the text box, not a reveal
    wait_idle(page)
    assert page.get_by_text("参考答案").count() == 0
    assert box.input_value().startswith(typed)
    page.get_by_role("button", name="显示答案").click()
    wait_idle(page)
    page.get_by_text("要点覆盖率").first.wait_for()
    page.get_by_text("建议评分").first.wait_for()
    screenshot(page, "quiz-typed-feedback-zh")


def test_mock_interview_report_in_english(app_server: str, page: object) -> None:
    if not load_bank().questions:
        pytest.skip("the question bank is empty")
    page.set_viewport_size({"width": 1366, "height": 1500})
    page.goto(f"{app_server}/?lang=en")
    wait_idle(page)
    page.goto(f"{app_server}/quiz?lang=en")
    wait_idle(page)
    page.get_by_test_id("stButtonGroup").get_by_text("Mock interview").click()
    wait_idle(page)
    page.get_by_role("button", name="Start mock interview").click()
    wait_idle(page)
    page.get_by_text("Elapsed").first.wait_for()
    box = page.get_by_role("textbox", name="Your answer (optional)")
    box.fill(
        "Low-rank update BA; B starts at zero; only A and B are trained; merge after training."
    )
    page.get_by_role("button", name="Submit answer").click()
    wait_idle(page)
    page.get_by_role("button", name="End interview").click()
    wait_idle(page)
    page.get_by_text("Interview report").first.wait_for()
    page.get_by_text("Weakest topics").first.wait_for()
    page.get_by_test_id("stDataFrame").locator("canvas").first.wait_for()  # then painted frames
    screenshot(page, "quiz-mock-report-en")
