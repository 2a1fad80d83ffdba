"""The bank's own answer keys, graded as if a learner typed them (issue 11): no answer key states one of its
own key points' misconceptions, and every main `full` answer is proposed Good or better. `python -m
studykit.check` reports each failure as a KEY issue; the whole bank is held to it here."""

from __future__ import annotations

from pathlib import Path

from studykit.bank import load_bank, load_file
from studykit.claims_check import answer_key_problems, claim_issues

QUESTION = """schema_version: 1
document: t.txt
title: {zh: 测试, en: test}
questions:
  - id: t-q1
    source: {section: {zh: 一, en: one}}
    tags: [initialization]
    difficulty: 1
    kind: concept
    question: {zh: B 为什么是零？, en: Why is B zero?}
    answer:
      interview: {zh: "%(interview_zh)s", en: "B is zero."}
      full: {zh: "%(full_zh)s", en: "B is initialised to zero and A randomly, so BA starts at zero."}
      key_points:
        - text: {zh: "B 初始化为零", en: "B is initialised to zero"}
          weight: 2
          claims: ["lora-b + zero"]
          misconceptions:
            - claim: "lora-b + random"
              name: {zh: 以为 B 随机, en: Believing B is random}
              correction: {zh: B 为零, en: B is zero}
              evidence: [peft layer.py]
              example: {zh: "B 随机初始化", en: "B is initialised randomly"}
        - text: {zh: "A 随机初始化", en: "A is random"}
          claims: ["lora-a + random"]
"""
GOOD_ZH = "B 初始化为零，A 随机初始化，所以 BA 一开始为零。"


def problems(tmp_path: Path, full_zh: str = GOOD_ZH, interview_zh: str = "B 为零。") -> list[str]:
    path = tmp_path / "200_t.yaml"
    path.write_text(QUESTION % {"full_zh": full_zh, "interview_zh": interview_zh}, encoding="utf-8")
    bank_file, load_problems = load_file(path)
    assert bank_file is not None, load_problems
    found = answer_key_problems(bank_file.questions[0])
    keys = [f"{i.where}: {i.message}" for i in claim_issues(bank_file) if i.kind == "key"]
    assert len(keys) == len(found)  # the check reports exactly these
    return [f"{where}: {message}" for where, message in found]


def test_a_consistent_answer_key_has_no_problem(tmp_path: Path) -> None:
    assert problems(tmp_path) == []


def test_a_short_interview_answer_may_skip_a_point(tmp_path: Path) -> None:
    assert problems(tmp_path, interview_zh="B 为零。") == []


def test_an_interview_answer_stating_a_misconception_is_reported(tmp_path: Path) -> None:
    found = problems(tmp_path, interview_zh="B 随机初始化。")
    assert len(found) == 1
    assert found[0].startswith(
        "answer.interview.zh: states its own misconception 'Believing B is random'"
    )


def test_a_full_answer_below_good_is_reported(tmp_path: Path) -> None:
    found = problems(tmp_path, full_zh="见下文。")
    assert len(found) == 1 and found[0].startswith("answer.full.zh: graded 1 (below Good)")


def test_a_full_answer_stating_a_misconception_is_reported_once(tmp_path: Path) -> None:
    found = problems(tmp_path, full_zh="B 随机初始化，A 也随机。")
    assert len(found) == 1 and "states its own misconception" in found[0]


def test_no_answer_key_of_the_bank_contradicts_itself() -> None:
    failing = [
        f"{question.id} {where}: {message}"
        for question in load_bank().questions
        for where, message in answer_key_problems(question)
        if "states its own misconception" in message
    ]
    assert failing == []
