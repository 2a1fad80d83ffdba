"""Load the question bank: parse every `questions/*.yaml`, validate it, keep the good files, report the bad.

A file with a syntax error, a duplicate key, a missing field, an unknown key or an id already used by another
file is refused as a whole and reported with its file, line and reason; the other files are still served.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from studykit.bank_yaml import compose, node_line, parse_yaml
from studykit.grading.lexicon import file_lexicon, load_core_lexicon
from studykit.schema import BankFile, Question

QUESTIONS_DIR = Path(__file__).resolve().parent.parent / "questions"
LEXICON_FILE = "lexicon.yaml"  # the core concepts for claims, not a question file
MAX_FILE_BYTES = (
    2_000_000  # the largest bank file is ~150 KB; anything far larger is not a question file
)


@dataclass(frozen=True)
class LoadProblem:
    """Why a question file was refused."""

    file: str
    line: int | None  # 1-based, when known
    location: str  # dotted path inside the file, e.g. "questions[3].answer.full.zh"
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        inside = f" ({self.location})" if self.location else ""
        return f"{where}{inside}: {self.reason}"


@dataclass(frozen=True)
class Bank:
    """The loaded bank: valid files, their questions in file order, and the files that were refused."""

    files: list[BankFile] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    directory: Path = QUESTIONS_DIR

    @property
    def questions(self) -> list[Question]:
        return [q for f in self.files for q in f.questions]

    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}


def _format_loc(loc: Iterable[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _validation_problems(name: str, text: str, error: ValidationError) -> list[LoadProblem]:
    root = compose(text)
    problems = []
    for item in error.errors():
        loc = tuple(item["loc"])
        reason = item["msg"]
        if item["type"] == "extra_forbidden":
            reason = f"unknown key {loc[-1]!r}"
        elif item["type"] == "missing":
            reason = f"missing required field {loc[-1]!r}"
        problems.append(LoadProblem(name, node_line(root, loc), _format_loc(loc), reason))
    return problems


def load_file(path: Path) -> tuple[BankFile | None, list[LoadProblem]]:
    """Parse and validate one question file. Returns the file, or None and the reasons it was refused."""
    name = path.name
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, [
                LoadProblem(name, None, "", f"file is larger than {MAX_FILE_BYTES:,} bytes")
            ]
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [LoadProblem(name, None, "", f"cannot read the file as UTF-8 text: {exc}")]
    try:
        data = parse_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = " ".join(p for p in (exc.context, exc.problem) if p) or "YAML syntax error"
        return None, [LoadProblem(name, line, "", f"YAML error: {reason}")]
    except yaml.YAMLError as exc:
        return None, [LoadProblem(name, None, "", f"YAML error: {exc}")]
    except RecursionError:
        return None, [LoadProblem(name, None, "", "YAML error: the document is nested too deeply")]
    if not isinstance(data, dict):
        return None, [
            LoadProblem(name, 1, "", "the file must be a mapping with 'questions:' at the top")
        ]
    try:
        return BankFile.model_validate(data, context={"lexicon": file_lexicon(data)}), []
    except ValidationError as exc:
        return None, _validation_problems(name, text, exc)
    except RecursionError:
        return None, [LoadProblem(name, None, "", "the document is nested too deeply")]


def questions_dir() -> Path:
    """Where the bank lives: `questions/`, or `$LORA_LAB_QUESTIONS_DIR` (used by tests and previews)."""
    return Path(os.environ.get("LORA_LAB_QUESTIONS_DIR") or QUESTIONS_DIR)


def load_bank(directory: Path | None = None) -> Bank:
    """Load every `*.yaml` in `directory` (sorted). Files that fail are reported, never raised."""
    directory = directory or questions_dir()
    files: list[BankFile] = []
    problems: list[LoadProblem] = []
    owner: dict[str, str] = {}  # question id -> file that defined it first
    lexicon_load = load_core_lexicon()
    problems.extend(LoadProblem(LEXICON_FILE, None, "", reason) for reason in lexicon_load.problems)
    for path in sorted(directory.glob("*.yaml")):
        if path.name == LEXICON_FILE:
            continue
        bank_file, file_problems = load_file(path)
        if bank_file is None:
            problems.extend(file_problems)
            continue
        clashes = [q.id for q in bank_file.questions if q.id in owner]
        if clashes:
            problems.append(
                LoadProblem(
                    path.name,
                    None,
                    "questions",
                    f"question id {clashes[0]!r} is already used in {owner[clashes[0]]}; ids must be unique",
                )
            )
            continue
        missing = [
            q.solution
            for q in bank_file.questions
            if q.solution and not (directory / q.solution).is_file()
        ]
        if missing:
            problems.append(
                LoadProblem(path.name, None, "solution", f"solution file not found: {missing[0]}")
            )
            continue
        owner.update({q.id: path.name for q in bank_file.questions})
        files.append(bank_file)
    return Bank(files=files, problems=problems, directory=directory)


def solution_source(bank: Bank, question: Question) -> str | None:
    """The reference solution's source code, if the question has one."""
    if not question.solution:
        return None
    return (bank.directory / question.solution).read_text(encoding="utf-8")
