"""The question-bank schema: pydantic models that every `questions/*.yaml` file must satisfy.

Unknown keys are rejected everywhere (`extra="forbid"`), so a typo in a field name is an error, not a silently
ignored field. Chinese text is required; English may be empty until it is written.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, PrivateAttr, field_validator, model_validator

from studykit.answer_schema import (
    Aliases,
    AnswerKey,
    Correction,
    FollowUp,
    KeyPoint,
    Lang,
    Misconception,
    Severity,
    StrictModel,
    Text,
)
from studykit.grading.claims import parse_claim, unknown_concepts
from studykit.grading.lexicon import Concept, Lexicon, core_lexicon, validate_concept_ids
from studykit.tags import TAGS

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SCHEMA_VERSION = 1

# Lab presets a question may link to ("try it in the Lab"); lora_demo/experiments.py defines the same ids.
LAB_EXPERIMENT_IDS = frozenset(
    {
        "dropout-placement",
        "grad-at-init",
        "merge-equivalence",
        "rslora-vs-alpha-r",
        "dense-matches-head",
        "rank-sweep",
        "memory-breakdown",
    }
)

Kind = Literal["concept", "code", "design", "project", "debugging"]


class Source(StrictModel):
    document: str  # file name in shared/seeds, filled in from the file header when omitted
    section: Text  # where in the document: part / heading / question number


class Question(StrictModel):
    id: str = Field(pattern=ID_PATTERN)  # stable forever: progress is keyed on it
    source: Source
    tags: list[str] = Field(min_length=1)
    difficulty: int = Field(ge=1, le=3)
    kind: Kind
    question: Text
    premise: Text | None = None  # flag: the prompt repeats the document's false premise
    follow_ups: list[FollowUp] = Field(default_factory=list)
    answer: AnswerKey
    lab: str | None = None  # a lab experiment id from LAB_EXPERIMENT_IDS
    solution: str | None = None  # path under questions/solutions/ of runnable reference code

    @field_validator("tags")
    @classmethod
    def _known_tags(cls, value: list[str]) -> list[str]:
        unknown = [tag for tag in value if tag not in TAGS]
        if unknown:
            raise ValueError(f"unknown tag(s) {unknown}; allowed: {sorted(TAGS)}")
        return value

    @field_validator("lab")
    @classmethod
    def _known_lab(cls, value: str | None) -> str | None:
        if value is not None and value not in LAB_EXPERIMENT_IDS:
            raise ValueError(
                f"unknown lab experiment {value!r}; allowed: {sorted(LAB_EXPERIMENT_IDS)}"
            )
        return value

    @field_validator("solution")
    @classmethod
    def _solution_path(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"solutions/[a-z0-9_]+\.py", value):
            raise ValueError("solution must look like 'solutions/<name>.py'")
        return value

    @model_validator(mode="after")
    def _misconception_sources(self) -> Question:
        points = [*self.answer.key_points, *(kp for f in self.follow_ups for kp in f.key_points)]
        for point in points:
            for item in point.misconceptions:
                index = item.from_correction
                if index is None:
                    continue
                if index >= len(self.answer.corrections):
                    raise ValueError(
                        f"misconception {item.claim!r} has from_correction {index}, but question "
                        f"{self.id!r} has {len(self.answer.corrections)} correction(s)"
                    )
                item._source = self.answer.corrections[index]
        return self

    def all_key_points(self) -> list[KeyPoint]:
        """Main key points, then each follow-up's."""
        return [*self.answer.key_points, *(kp for f in self.follow_ups for kp in f.key_points)]

    @property
    def has_corrections(self) -> bool:
        return bool(self.answer.corrections)


class NoteMark(StrictModel):
    """A mistake in a study-note section, marked where it occurs and linked to the corrected answer."""

    quote: str = Field(min_length=1)  # verbatim substring of the section's Chinese body
    quote_en: str = ""  # the matching substring of the English body, if any
    question: str = Field(pattern=ID_PATTERN)  # id of the question whose correction explains it
    note: Text  # the correction in one or two sentences


class NoteSection(StrictModel):
    """One explanatory section of the source document, readable as a study note."""

    id: str = Field(pattern=ID_PATTERN)
    title: Text
    body: Text  # Markdown
    marks: list[NoteMark] = Field(default_factory=list)

    @model_validator(mode="after")
    def _quotes_occur(self) -> NoteSection:
        for mark in self.marks:
            if mark.quote not in self.body.zh:
                raise ValueError(f"mark quote {mark.quote!r} does not occur in the Chinese body")
            if mark.quote_en and mark.quote_en not in self.body.en:
                raise ValueError(
                    f"mark quote_en {mark.quote_en!r} does not occur in the English body"
                )
        return self


class BankFile(StrictModel):
    """One question file: every question of one source document, plus its study notes."""

    schema_version: Literal[1]
    document: str = Field(min_length=1)
    title: Text
    # file-local concepts for claims (ids must not repeat the core lexicon's)
    concepts: dict[str, Concept] = Field(default_factory=dict)
    notes: list[NoteSection] = Field(default_factory=list)
    questions: list[Question] = Field(min_length=1)

    @field_validator("concepts")
    @classmethod
    def _local_concepts(cls, value: dict[str, Concept]) -> dict[str, Concept]:
        validate_concept_ids(value)
        clashes = sorted(cid for cid in value if cid in core_lexicon())
        if clashes:
            raise ValueError(
                f"local concept id(s) {clashes} repeat the core lexicon (questions/lexicon.yaml): "
                "use the core concept, or pick another id"
            )
        return value

    _lexicon: Lexicon | None = PrivateAttr(default=None)

    @property
    def lexicon(self) -> Lexicon:
        """Core + this file's concepts; built once (compiled matchers are cached per lexicon object)."""
        if self._lexicon is None:
            self._lexicon = core_lexicon().with_locals(self.concepts, self.document)
        return self._lexicon

    @model_validator(mode="before")
    @classmethod
    def _fill_source_document(cls, data: object) -> object:
        # Authors write `source: {section: ...}`; the document comes from the file header.
        if isinstance(data, dict) and isinstance(data.get("questions"), list):
            for item in data["questions"]:
                source = item.get("source") if isinstance(item, dict) else None
                if isinstance(source, dict) and "document" not in source:
                    source["document"] = data.get("document")
        return data

    @model_validator(mode="after")
    def _consistent(self) -> BankFile:
        seen: set[str] = set()
        for question in self.questions:
            if question.id in seen:
                raise ValueError(f"duplicate question id {question.id!r}")
            seen.add(question.id)
            if question.source.document != self.document:
                raise ValueError(
                    f"question {question.id!r} names document {question.source.document!r}, "
                    f"but this file is for {self.document!r}"
                )
        lexicon = self.lexicon
        dangling = lexicon.dangling_opposites()
        if dangling:
            raise ValueError(f"concepts: {dangling[0]}")
        for question in self.questions:
            for point in question.all_key_points():
                claims = [*point.claims, *(m.claim for m in point.misconceptions)]
                for claim in claims:
                    unknown = unknown_concepts(parse_claim(claim), lexicon)
                    if unknown:
                        raise ValueError(
                            f"question {question.id!r}: claim {claim!r} names unknown concept(s) {unknown}"
                        )
                point._lexicon = lexicon
        note_ids = [note.id for note in self.notes]
        if len(note_ids) != len(set(note_ids)):
            raise ValueError("duplicate note section id")
        for note in self.notes:
            for mark in note.marks:
                if mark.question not in seen:
                    raise ValueError(
                        f"note {note.id!r} links to question {mark.question!r}, which is not in this file"
                    )
        return self


__all__ = [  # the answer-key models are defined in studykit.answer_schema, re-exported here
    "LAB_EXPERIMENT_IDS",
    "Aliases",
    "AnswerKey",
    "BankFile",
    "Correction",
    "FollowUp",
    "KeyPoint",
    "Kind",
    "Lang",
    "Misconception",
    "NoteMark",
    "NoteSection",
    "Question",
    "Severity",
    "Source",
    "Text",
]
