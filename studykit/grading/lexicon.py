"""Concepts: the things and predicates claims are written in, with their surface forms in both languages.

The shared core lives in `questions/lexicon.yaml`; a bank file may add file-local concepts under `concepts:`.
A `Lexicon` is one resolved vocabulary (core, or core + one file's locals) that claims are checked against.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from studykit.bank_yaml import line_of, parse_yaml

CONCEPT_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
CORE_LEXICON_PATH = Path(__file__).resolve().parents[2] / "questions" / "lexicon.yaml"


class Concept(BaseModel):
    """One concept as authored: `entity` names a thing; `opposite` is the concept its negation states."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    entity: bool = False
    opposite: str | None = Field(default=None, pattern=CONCEPT_ID)
    zh: list[str] = []
    en: list[str] = []

    @field_validator("zh", "en")
    @classmethod
    def _forms_not_blank(cls, value: list[str]) -> list[str]:
        if any(not form.strip() for form in value):
            raise ValueError("concept forms must not be blank")
        return value

    @property
    def forms(self) -> tuple[str, ...]:
        """zh and en forms merged (an answer in either language, or mixed, matches any), no duplicates."""
        return tuple(dict.fromkeys(form.strip() for form in [*self.zh, *self.en]))


def validate_concept_ids(concepts: dict[str, Concept]) -> dict[str, Concept]:
    """Ids must look like `lora-b`; every concept needs at least one form."""
    for cid, concept in concepts.items():
        if not re.fullmatch(CONCEPT_ID, cid):
            raise ValueError(f"concept id {cid!r} must be lower-case words joined by '-'")
        if not concept.forms:
            raise ValueError(f"concept {cid!r} has no forms (zh/en lists are both empty)")
    return concepts


class LexiconFile(BaseModel):
    """The shape of `questions/lexicon.yaml`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int = 1
    concepts: dict[str, Concept] = Field(min_length=1)

    @field_validator("concepts")
    @classmethod
    def _ids(cls, value: dict[str, Concept]) -> dict[str, Concept]:
        return validate_concept_ids(value)


@dataclass(frozen=True, eq=False)
class Lexicon:
    """A resolved vocabulary: concept id -> Concept. Compared by identity; cached matchers key on it."""

    concepts: dict[str, Concept]
    name: str = "core"

    def __contains__(self, cid: object) -> bool:
        return cid in self.concepts

    def get(self, cid: str) -> Concept | None:
        return self.concepts.get(cid)

    def is_entity(self, cid: str) -> bool:
        concept = self.concepts.get(cid)
        return bool(concept and concept.entity)

    def opposite(self, cid: str) -> str | None:
        concept = self.concepts.get(cid)
        return concept.opposite if concept else None

    def with_locals(self, local: dict[str, Concept], name: str) -> Lexicon:
        """Core + a file's local concepts (clashes are refused earlier, by the schema)."""
        if not local:
            return self
        return Lexicon({**self.concepts, **local}, name)

    def dangling_opposites(self) -> list[str]:
        """`opposite:` ids that name no concept."""
        return [
            f"{cid}.opposite: unknown concept {c.opposite!r}"
            for cid, c in self.concepts.items()
            if c.opposite and c.opposite not in self.concepts
        ]

    @cached_property
    def size(self) -> int:
        return len(self.concepts)


@dataclass(frozen=True)
class LexiconLoad:
    lexicon: Lexicon
    problems: tuple[str, ...]  # "lexicon.yaml:12: reason" lines; empty when the file is fine


_CACHE: dict[tuple[str, float], LexiconLoad] = {}
_LAST_STAT: dict[str, tuple[float, tuple[str, float]]] = {}
STAT_EVERY_S = 1.0


def load_core_lexicon(path: Path | None = None) -> LexiconLoad:
    """Load and validate the core lexicon (cached per file and mtime). A broken file yields an empty lexicon
    and its problems, never an exception: the bank still loads and reports it."""
    path = path or CORE_LEXICON_PATH
    now = time.monotonic()
    recent = _LAST_STAT.get(str(path))
    if recent and now - recent[0] < STAT_EVERY_S and recent[1] in _CACHE:
        return _CACHE[
            recent[1]
        ]  # validating a bank asks hundreds of times a second: stat at most once
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError:
        return LexiconLoad(Lexicon({}), (f"{path.name}: cannot read the core lexicon",))
    _LAST_STAT[str(path)] = (now, key)
    if key in _CACHE:
        return _CACHE[key]
    result = _load(path)
    _CACHE.clear()
    _CACHE[key] = result
    return result


def _load(path: Path) -> LexiconLoad:
    try:
        text = path.read_text(encoding="utf-8")
        data = parse_yaml(text)
    except (OSError, UnicodeDecodeError) as exc:
        return LexiconLoad(Lexicon({}), (f"{path.name}: cannot read: {exc}",))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path.name}:{mark.line + 1}" if mark else path.name
        return LexiconLoad(Lexicon({}), (f"{where}: YAML error: {exc.problem}",))
    except yaml.YAMLError as exc:
        return LexiconLoad(Lexicon({}), (f"{path.name}: YAML error: {exc}",))
    try:
        parsed = LexiconFile.model_validate(data)
    except ValidationError as exc:
        lines = []
        for item in exc.errors():
            loc = tuple(item["loc"])
            line = line_of(text, loc)
            where = f"{path.name}:{line}" if line else path.name
            lines.append(f"{where} ({'.'.join(map(str, loc))}): {item['msg']}")
        return LexiconLoad(Lexicon({}), tuple(lines))
    lexicon = Lexicon(dict(parsed.concepts))
    return LexiconLoad(lexicon, tuple(f"{path.name}: {p}" for p in lexicon.dangling_opposites()))


def core_lexicon() -> Lexicon:
    return load_core_lexicon().lexicon


def file_lexicon(data: object) -> Lexicon:
    """Core + the valid local concepts of a bank file's raw data (invalid ones are reported by the schema)."""
    core = core_lexicon()
    if not isinstance(data, dict):
        return core
    local = data.get("concepts")
    if not isinstance(local, dict):
        return core
    parsed: dict[str, Concept] = {}
    for cid, spec in local.items():
        try:
            parsed[str(cid)] = Concept.model_validate(spec)
        except ValidationError:
            continue
    return core.with_locals(parsed, str(data.get("document", "")))
