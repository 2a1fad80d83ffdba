"""Claims in the bank schema and the authoring check (issue 11): bad claims are refused with file:line,
unknown concept ids and local ids clashing with the core lexicon too; `claim_issues` reports what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from studykit.bank import load_bank, load_file
from studykit.claims_check import claim_issues
from studykit.grading.claims import ClaimSyntaxError, parse_claim

HEAD = """schema_version: 1
document: t.txt
title: {zh: 测试, en: test}
"""
QUESTION = """questions:
  - id: t-q1
    source: {section: {zh: 一, en: one}}
    tags: [initialization]
    difficulty: 1
    kind: concept
    question: {zh: B 为什么是零？, en: Why is B zero?}
    answer:
      full: {zh: 见下, en: see below}
      key_points:
        - text: {zh: "B 初始化为零", en: "B is initialised to zero"}
          claims: [%s]
          misconceptions:
            - claim: "lora-b + random"
              from_correction: 0
              name: {zh: 以为 B 随机, en: Believing B is random}
              example: {zh: "B 随机初始化", en: "B is initialised randomly"}
        - text: {zh: "训练时只更新 A 和 B", en: "only A and B are trained"}
      corrections:
        - severity: wrong
          document_said: {zh: "B 矩阵用高斯随机初始化", en: "the B matrix is initialised with random Gaussian values"}
          correction: {zh: B 为零, en: B is zero}
          evidence: [peft layer.py]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "200_t.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_claims_load_and_carry_the_file_lexicon(tmp_path: Path) -> None:
    bank_file, problems = load_file(write(tmp_path, HEAD + QUESTION % '"lora-b + zero"'))
    assert problems == [] and bank_file is not None
    point = bank_file.questions[0].answer.key_points[0]
    assert point.claims == ["lora-b + zero"]
    item = point.misconceptions[0]
    assert item.source is not None and item.shown_correction.en == "B is zero"
    assert item.shown_evidence == ("peft layer.py",)


@pytest.mark.parametrize(
    ("claim", "reason"),
    [
        ('"lora-b +"', "a term is missing"),
        ('"lora-b + (zero | random"', "without a matching ')'"),
        ('"Lora-B + zero"', "is not a concept id"),
        ("\"lora-b + '=abc'\"", "is not a number or range"),
        ('"lora-b + zeroo"', "unknown concept(s) ['zeroo']"),
    ],
)
def test_bad_claims_are_refused_with_file_and_line(tmp_path: Path, claim: str, reason: str) -> None:
    bank_file, problems = load_file(write(tmp_path, HEAD + QUESTION % claim))
    assert bank_file is None
    (problem,) = problems
    assert problem.file == "200_t.yaml" and problem.line == 15
    assert reason in problem.reason


def test_local_concepts_extend_the_core_but_may_not_repeat_it(tmp_path: Path) -> None:
    local = 'concepts:\n  gauss-init:\n    zh: ["高斯初始化"]\n    en: ["gaussian init"]\n'
    bank_file, problems = load_file(write(tmp_path, HEAD + local + QUESTION % '"lora-b + zero"'))
    assert problems == [] and bank_file is not None and "gauss-init" in bank_file.lexicon
    clash = 'concepts:\n  zero:\n    zh: ["零"]\n'
    bank_file, problems = load_file(write(tmp_path, HEAD + clash + QUESTION % '"lora-b + zero"'))
    assert bank_file is None and "repeat the core lexicon" in problems[0].reason
    assert problems[0].line == 5


def test_the_lexicon_file_is_not_a_question_file(tmp_path: Path) -> None:
    write(tmp_path, HEAD + QUESTION % '"lora-b + zero"')
    (tmp_path / "lexicon.yaml").write_text("schema_version: 1\nconcepts: {}\n", encoding="utf-8")
    bank = load_bank(tmp_path)
    assert [q.id for q in bank.questions] == ["t-q1"]
    assert not any(p.file == "lexicon.yaml" for p in bank.problems)


def test_from_correction_must_point_at_a_correction(tmp_path: Path) -> None:
    text = (HEAD + QUESTION % '"lora-b + zero"').replace("from_correction: 0", "from_correction: 3")
    bank_file, problems = load_file(write(tmp_path, text))
    assert bank_file is None and "has 1 correction(s)" in problems[0].reason


def test_check_reports_missing_weak_and_self_check(tmp_path: Path) -> None:
    bank_file, _ = load_file(
        write(tmp_path, HEAD + QUESTION % '"lora-b + zero", "lora-b + lora-a"')
    )
    assert bank_file is not None
    issues = claim_issues(bank_file)
    kinds = {(i.kind, i.where) for i in issues}
    assert ("missing", "answer.key_points[1]") in kinds  # the second point has no claims
    assert ("weak", "answer.key_points[0]") in kinds  # "lora-b + lora-a" names only entities
    assert ("self", "answer.key_points[0]") in kinds  # its own text does not say B and A together
    assert not any(i.kind == "example" for i in issues)  # example and document_said both trigger
    assert not any(i.kind == "correction" for i in issues)


def test_check_reports_examples_that_do_not_trigger(tmp_path: Path) -> None:
    text = (HEAD + QUESTION % '"lora-b + zero"').replace('"B 随机初始化"', '"B 很重要"')
    bank_file, _ = load_file(write(tmp_path, text))
    assert bank_file is not None
    messages = [i.message for i in claim_issues(bank_file) if i.kind == "example"]
    assert len(messages) == 1 and "example (zh)" in messages[0]


def test_current_bank_loads() -> None:
    bank = load_bank()
    assert bank.questions  # files still being migrated load too (the check lists what is missing)


@pytest.mark.parametrize(
    "text",
    ["lora-b + zero", "(lora-b | 'lora_B') + !random || 'r(d+k)'", "(a-b + c) || d"],
)
def test_claim_syntax_accepts(text: str) -> None:
    assert parse_claim(text).alternatives


@pytest.mark.parametrize("text", ["", "a b", "a + + b", "'unclosed", "a || ", "(a | b"])
def test_claim_syntax_refuses(text: str) -> None:
    with pytest.raises(ClaimSyntaxError):
        parse_claim(text)
