"""The typed-answer evaluation sets (tests/grading_eval/): well-formed, tied to the bank, dev and holdout apart."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest

from studykit.bank import Bank, load_bank, parse_yaml

ROOT = Path(__file__).resolve().parents[2]
EVAL_DIR = ROOT / "tests" / "grading_eval"
KINDS = {"correct", "half", "wrong", "offtopic"}
LANGS = {"zh", "en", "mixed"}
FIELDS = {"question", "kind", "lang", "answer", "why"}
# fresh.yaml … fresh5.yaml: written after the grader was tuned, for measurement only; they may share questions with
# dev/holdout and with each other, but every answer text is new.
MIN_ANSWERS = {
    "dev.yaml": 250,
    "holdout.yaml": 125,
    "fresh.yaml": 150,
    "fresh2.yaml": 150,
    "fresh3.yaml": 150,
    "fresh4.yaml": 150,
    "fresh5.yaml": 150,
}
FRESH_SETS = ("fresh.yaml", "fresh2.yaml", "fresh3.yaml", "fresh4.yaml", "fresh5.yaml")
# Bank questions in neither dev nor holdout; the fresh set must use every one of them.
UNUSED_BY_DEV_AND_HOLDOUT = {
    "s000-a-q06-esm2-data-preprocessing",
    "s000-a-q07-experiment-design",
    "s000-b-q04-esm2-embeddings",
    "s000-b-q07-multitask-lora-strategy",
    "s001-d-q01-why-longlora",
    "s001-f-q02-model-loading",
    "s001-f-q04-memory-optimization",
    "s001-f-q07-add-peft",
    "s002-q22-adapter-versioning-governance",
    "s002-q23-evaluation-system",
    "s002-q24-domain-shift-recovery",
    "s002-q25-7b-24gb-config",
    "s003-q17-model-choice",
    "s003-q18-debug-methodology",
}


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(ROOT / "questions")


def load_set(name: str) -> list[dict]:
    data = parse_yaml((EVAL_DIR / name).read_text(encoding="utf-8"))  # refuses duplicate keys
    assert isinstance(data, dict) and data.get("schema_version") == 1, f"{name}: bad header"
    assert isinstance(data.get("answers"), list), f"{name}: 'answers' must be a list"
    return data["answers"]


def normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


def set_problems(entries: list[dict], bank_ids: set[str]) -> list[str]:
    """Everything wrong with one evaluation file, as readable lines (empty when it is fine)."""
    problems: list[str] = []
    by_question: dict[str, list[dict]] = defaultdict(list)
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or set(entry) != FIELDS:
            problems.append(f"answers[{i}]: fields must be exactly {sorted(FIELDS)}")
            continue
        if not all(isinstance(entry[f], str) and entry[f].strip() for f in FIELDS):
            problems.append(f"answers[{i}]: every field must be a non-empty string")
            continue
        if entry["question"] not in bank_ids:
            problems.append(f"answers[{i}]: unknown question id {entry['question']!r}")
        if entry["kind"] not in KINDS:
            problems.append(f"answers[{i}]: unknown kind {entry['kind']!r}")
        if entry["lang"] not in LANGS:
            problems.append(f"answers[{i}]: unknown lang {entry['lang']!r}")
        by_question[entry["question"]].append(entry)
    for qid, answers in by_question.items():
        kinds = Counter(a["kind"] for a in answers)
        if missing := KINDS - set(kinds):
            problems.append(f"{qid}: missing kinds {sorted(missing)}")
        correct_langs = {a["lang"] for a in answers if a["kind"] == "correct"}
        if kinds["correct"] < 2 or not {"zh", "en"} <= correct_langs:
            problems.append(f"{qid}: needs a correct answer in zh and one in en")
    return problems


def test_checker_catches_bad_entries() -> None:
    bad = [
        {"question": "no-such-id", "kind": "correct", "lang": "zh", "answer": "x", "why": "y"},
        {"question": "q", "kind": "perfect", "lang": "fr", "answer": "x", "why": "y"},
        {"question": "q", "kind": "correct", "lang": "zh", "answer": "x"},
    ]
    problems = set_problems(bad, {"q"})
    assert any("unknown question id 'no-such-id'" in p for p in problems)
    assert any("unknown kind 'perfect'" in p for p in problems)
    assert any("unknown lang 'fr'" in p for p in problems)
    assert any("answers[2]: fields" in p for p in problems)
    assert any(p.startswith("q: missing kinds") for p in problems)
    assert any(p.startswith("q: needs a correct answer") for p in problems)


@pytest.mark.parametrize("name", sorted(MIN_ANSWERS))
def test_set_is_well_formed(bank: Bank, name: str) -> None:
    entries = load_set(name)
    assert set_problems(entries, set(bank.by_id())) == []
    assert len(entries) >= MIN_ANSWERS[name]


@pytest.mark.parametrize("name", sorted(MIN_ANSWERS))
def test_set_covers_every_document(bank: Bank, name: str) -> None:
    document_of = {q.id: f.document for f in bank.files for q in f.questions}
    covered = {document_of[e["question"]] for e in load_set(name)}
    assert covered == {f.document for f in bank.files}


def test_dev_and_holdout_use_different_questions() -> None:
    dev = {e["question"] for e in load_set("dev.yaml")}
    holdout = {e["question"] for e in load_set("holdout.yaml")}
    assert dev & holdout == set()


def test_no_answer_appears_twice() -> None:
    texts = [normalised(e["answer"]) for name in MIN_ANSWERS for e in load_set(name)]
    repeated = [t[:60] for t, n in Counter(texts).items() if n > 1]
    assert repeated == []


def test_fresh_set_uses_the_questions_dev_and_holdout_left_out() -> None:
    dev_and_holdout = {
        e["question"] for name in ("dev.yaml", "holdout.yaml") for e in load_set(name)
    }
    fresh = {e["question"] for e in load_set("fresh.yaml")}
    assert UNUSED_BY_DEV_AND_HOLDOUT & dev_and_holdout == set()
    assert fresh >= UNUSED_BY_DEV_AND_HOLDOUT
    assert len(fresh) >= 30


@pytest.mark.parametrize("name", FRESH_SETS)
def test_fresh_set_has_five_answers_per_question(name: str) -> None:
    entries = load_set(name)
    per_question = Counter((e["question"], e["kind"]) for e in entries)
    too_many = {key: n for key, n in per_question.items() if n > (2 if key[1] == "correct" else 1)}
    assert too_many == {}
    assert set(Counter(e["question"] for e in entries).values()) == {5}


@pytest.mark.parametrize("name", ["fresh2.yaml", "fresh3.yaml", "fresh4.yaml", "fresh5.yaml"])
def test_later_fresh_set_spans_the_bank_and_its_corrected_questions(bank: Bank, name: str) -> None:
    """fresh2.yaml … fresh5.yaml: 30 questions, at least 10 of them with document corrections (issue 11)."""
    by_id = bank.by_id()
    questions = {e["question"] for e in load_set(name)}
    assert len(questions) >= 30
    corrected = {q for q in questions if by_id[q].answer.corrections}
    assert len(corrected) >= 10
