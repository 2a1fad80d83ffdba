"""Browser journey (issue 11): a learner types a misconception (A and B initialisation swapped), reveals, sees it
named with their own sentence, the correction and its evidence, and overrides the proposed Again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.browser import screenshot, start_server, stop_server, wait_idle

pytestmark = pytest.mark.e2e

BANK = """schema_version: 1
document: 300_e2e.txt
title: {zh: 端到端测试, en: End-to-end test}
questions:
  - id: e2e-q1-init
    source: {section: {zh: 第 1 题, en: Q1}}
    tags: [initialization]
    difficulty: 1
    kind: concept
    question: {zh: "LoRA 的 A、B 矩阵如何初始化？", en: "How are LoRA's A and B initialised?"}
    answer:
      full: {zh: "B 初始化为零，A 随机（Kaiming 均匀），所以一开始 ΔW=0。", en: "B starts at zero and A is random (Kaiming uniform), so ΔW = 0 at the start."}
      key_points:
        - text: {zh: "B 初始化为 0，A 随机初始化", en: "B starts at zero and A is random"}
          weight: 2
          claims: ["lora-b + zero", "lora-a + random"]
          misconceptions:
            - claim: "lora-a + zero"
              name: {zh: "把 A、B 的初始化弄反了", en: "A and B initialisation swapped"}
              correction: {zh: "PEFT 把 B 置零、A 用 Kaiming 均匀随机初始化，所以初始 ΔW=0。", en: "PEFT zeroes B and draws A from Kaiming-uniform, so ΔW = 0 at the start."}
              evidence: ["peft src/peft/tuners/lora/layer.py LoraLayer.reset_lora_parameters"]
              example: {zh: "A 初始化为零，B 随机", en: "A is initialised to zero and B randomly"}
"""
WRONG = "A 初始化为零，B 随机初始化，这样一开始 ΔW=0。"


@pytest.fixture(scope="module")
def misconception_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    bank_dir = tmp_path_factory.mktemp("bank")
    (bank_dir / "300_e2e.yaml").write_text(BANK, encoding="utf-8")
    data_dir = tmp_path_factory.mktemp("lab-data")
    proc, url = start_server(data_dir, {"LORA_LAB_QUESTIONS_DIR": str(bank_dir)})
    yield url
    stop_server(proc)


def test_typed_misconception_is_named_corrected_and_overridable(
    misconception_server: str, page: object
) -> None:
    page.set_viewport_size({"width": 1366, "height": 1500})
    page.goto(f"{misconception_server}/?lang=zh")
    wait_idle(page)
    page.goto(f"{misconception_server}/quiz?lang=zh")
    wait_idle(page)
    box = page.get_by_role("textbox", name="你的回答（可选）")
    box.fill(WRONG)
    page.get_by_role("button", name="显示答案").click()
    wait_idle(page)
    page.get_by_text("误区：把 A、B 的初始化弄反了").first.wait_for()
    page.get_by_text("PEFT 把 B 置零、A 用 Kaiming 均匀随机初始化").first.wait_for()
    page.get_by_text("reset_lora_parameters").first.wait_for()
    quoted = page.get_by_test_id("stText").filter(has_text="A 初始化为零，B 随机初始化")
    assert quoted.count() >= 1  # the learner's sentence, shown as plain text
    page.get_by_text("建议评为“重来”").first.wait_for()
    again = page.get_by_role("button", name="重来").first
    assert again.get_attribute("data-testid") == "stBaseButton-primary"  # proposed: Again
    screenshot(page, "quiz-misconception-zh")
    page.get_by_role("heading", name="自测").first.click()  # focus the page, not the text box
    page.keyboard.press("3")  # the learner overrides the proposed Again with Good
    wait_idle(page)
    page.get_by_text("已保存").first.wait_for()
