"""The question-bank schema: pydantic models that every `questions/*.yaml` file must satisfy.

Unknown keys are rejected everywhere (`extra="forbid"`), so a typo in a field name is an error, not a silently
ignored field. Chinese text is required; English may be empty until it is written.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from studykit.grading.claims import ClaimSyntaxError, parse_claim, unknown_concepts
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
Severity = Literal["wrong", "misleading", "imprecise", "typo"]
Lang = Literal["zh", "en"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A bilingual text: Chinese required, English optional (falls back to Chinese)."""

    zh: str = Field(min_length=1)
    en: str = ""

    @field_validator("zh")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("Chinese text (zh) must not be blank")
        return value

    def get(self, lang: str) -> str:
        """The text in `lang`, or the Chinese text when no English is written yet."""
        if lang == "en" and self.en.strip():
            return self.en
        return self.zh


class Aliases(_Strict):
    """Other ways a learner may phrase a key point (used by typed-answer matching)."""

    zh: list[str] = []
    en: list[str] = []


class Correction(_Strict):
    """Where the source document's answer was wrong or misleading, and what is right."""

    erratum: str | None = Field(
        default=None, pattern=r"^E\d{2,3}$"
    )  # id in known-errata.md, if listed
    severity: Severity
    document_said: Text  # zh: the document's words, quoted verbatim; en: their translation
    correction: Text
    evidence: list[str] = Field(min_length=1)  # paper section, or library file + function

    @field_validator("evidence")
    @classmethod
    def _evidence_not_blank(cls, value: list[str]) -> list[str]:
        if any(not item.strip() for item in value):
            raise ValueError("evidence entries must not be blank")
        return value


def _checked_claim(claim: str, info: ValidationInfo) -> str:
    """Refuse a claim that does not parse, or (when the loader passed the file's lexicon) names unknown ids."""
    try:
        parsed = parse_claim(claim)
    except ClaimSyntaxError as exc:
        raise ValueError(f"bad claim {claim!r}: {exc}") from None
    lexicon = (info.context or {}).get("lexicon") if info.context else None
    if isinstance(lexicon, Lexicon):
        unknown = unknown_concepts(parsed, lexicon)
        if unknown:
            raise ValueError(
                f"claim {claim!r} names unknown concept(s) {unknown}: add them to questions/lexicon.yaml "
                "or to this file's `concepts:`, or quote an inline form"
            )
    return claim


class Misconception(_Strict):
    """A wrong claim learners (or the source document) make about a key point; stating it contradicts the point."""

    claim: str
    name: Text  # the wrong belief in a few words
    correction: Text | None = None  # what is true; may be omitted when from_correction gives it
    evidence: list[str] = []
    from_correction: int | None = Field(
        default=None, ge=0
    )  # index into the question's answer.corrections
    example: Text | None = (
        None  # a sentence a learner would type that states it (the check verifies it)
    )
    _source: Correction | None = PrivateAttr(
        default=None
    )  # the correction from_correction points at

    @property
    def source(self) -> Correction | None:
        """The question's correction this misconception comes from (set when the question is validated)."""
        return self._source

    @property
    def shown_correction(self) -> Text:
        """What is true: this misconception's correction, else its source correction's."""
        if self.correction is not None:
            return self.correction
        if self._source is not None:
            return self._source.correction
        return Text(zh="（未写更正）", en="(no correction written)")

    @property
    def shown_evidence(self) -> tuple[str, ...]:
        return tuple(self.evidence or (self._source.evidence if self._source else ()))

    @field_validator("claim")
    @classmethod
    def _claim(cls, value: str, info: ValidationInfo) -> str:
        return _checked_claim(value, info)

    @model_validator(mode="after")
    def _has_correction(self) -> Misconception:
        if self.from_correction is None and (self.correction is None or not self.evidence):
            raise ValueError(
                "a misconception needs `correction` and `evidence`, or `from_correction`"
            )
        return self


class KeyPoint(_Strict):
    """One gradable point of an answer: covered when the answer states all its claims."""

    text: Text
    aliases: Aliases = Aliases()  # for search; the claim grader ignores them
    weight: int = Field(default=1, ge=1, le=3)
    claims: list[str] = []
    misconceptions: list[Misconception] = []
    _lexicon: Lexicon | None = PrivateAttr(
        default=None
    )  # core + the file's concepts, set by BankFile

    @field_validator("claims")
    @classmethod
    def _claims(cls, value: list[str], info: ValidationInfo) -> list[str]:
        return [_checked_claim(claim, info) for claim in value]

    @property
    def lexicon(self) -> Lexicon:
        """The vocabulary this point's claims are written in (the core lexicon outside a bank file)."""
        return self._lexicon or core_lexicon()


class AnswerKey(_Strict):
    interview: Text | None = None  # what you would say in about a minute (≤ 90 words / ≤ 180 汉字)
    full: Text  # Markdown with LaTeX ($...$, $$...$$)
    key_points: list[KeyPoint] = Field(min_length=1)
    corrections: list[Correction] = []


class FollowUp(_Strict):
    """A follow-up question (追问) an interviewer asks after the main one."""

    question: Text
    interview: Text | None = None  # the one-minute spoken answer, shown before the full answer
    answer: Text
    key_points: list[KeyPoint] = []


class Source(_Strict):
    document: str  # file name in shared/seeds, filled in from the file header when omitted
    section: Text  # where in the document: part / heading / question number


class Question(_Strict):
    id: str = Field(pattern=ID_PATTERN)  # stable forever: progress is keyed on it
    source: Source
    tags: list[str] = Field(min_length=1)
    difficulty: int = Field(ge=1, le=3)
    kind: Kind
    question: Text
    premise: Text | None = None  # flag: the prompt repeats the document's false premise
    follow_ups: list[FollowUp] = []
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


class NoteMark(_Strict):
    """A mistake in a study-note section, marked where it occurs and linked to the corrected answer."""

    quote: str = Field(min_length=1)  # verbatim substring of the section's Chinese body
    quote_en: str = ""  # the matching substring of the English body, if any
    question: str = Field(pattern=ID_PATTERN)  # id of the question whose correction explains it
    note: Text  # the correction in one or two sentences


class NoteSection(_Strict):
    """One explanatory section of the source document, readable as a study note."""

    id: str = Field(pattern=ID_PATTERN)
    title: Text
    body: Text  # Markdown
    marks: list[NoteMark] = []

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


class BankFile(_Strict):
    """One question file: every question of one source document, plus its study notes."""

    schema_version: Literal[1]
    document: str = Field(min_length=1)
    title: Text
    concepts: dict[
        str, Concept
    ] = {}  # file-local concepts for claims (ids must not repeat the core lexicon's)
    notes: list[NoteSection] = []
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
