"""The answer key's schema: bilingual text, key points with their claims and misconceptions, corrections.

Every model forbids unknown keys (`extra="forbid"`), so a typo in a field name is an error.
"""

from __future__ import annotations

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
from studykit.grading.lexicon import Lexicon, core_lexicon

Severity = Literal["wrong", "misleading", "imprecise", "typo"]
Lang = Literal["zh", "en"]


class StrictModel(BaseModel):
    """A frozen model that refuses unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(StrictModel):
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


class Aliases(StrictModel):
    """Other ways a learner may phrase a key point (used by typed-answer matching)."""

    zh: list[str] = []
    en: list[str] = []


class Correction(StrictModel):
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


class Misconception(StrictModel):
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


class KeyPoint(StrictModel):
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


class AnswerKey(StrictModel):
    interview: Text | None = None  # what you would say in about a minute (≤ 90 words / ≤ 180 汉字)
    full: Text  # Markdown with LaTeX ($...$, $$...$$)
    key_points: list[KeyPoint] = Field(min_length=1)
    corrections: list[Correction] = []


class FollowUp(StrictModel):
    """A follow-up question (追问) an interviewer asks after the main one."""

    question: Text
    interview: Text | None = None  # the one-minute spoken answer, shown before the full answer
    answer: Text
    key_points: list[KeyPoint] = []
