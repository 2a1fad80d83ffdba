"""Progress export/import (versioned JSON); the Anki exports are in `studykit.anki_export`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Final, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from studykit.review_window import review_time_problem
from studykit.schema import ID_PATTERN
from studykit.store import MODES, NewReview, ProgressStore, Review
from studykit.study_modes import REVIEW, StudyMode

FORMAT: Final = "lora-interview-lab-progress"
FORMAT_VERSION: Final = 1
MAX_IMPORT_BYTES = 2_000_000
MAX_JSON_DEPTH = 16  # an export nests 4 deep; Python's json recurses once per level
MAX_DURATION_MS = 24 * 3600 * 1000  # one answer never takes longer than a day


class ImportRefused(ValueError):
    """The file was not imported; the message says why. Nothing was changed.

    `code` and `values` let the UI say it in the learner's language (stats.import_reason.<code>).
    """

    def __init__(self, message: str, code: str = "invalid", **values: object) -> None:
        super().__init__(message)
        self.code = code
        self.values = values


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReviewRecord(_Strict):
    question_id: str = Field(pattern=ID_PATTERN, max_length=120)
    card_key: str = Field(pattern=ID_PATTERN[:-1] + r"(#f[0-9]+)?$", max_length=140)
    reviewed_at: AwareDatetime
    rating: int = Field(ge=1, le=4)
    mode: StudyMode = REVIEW
    duration_ms: int | None = Field(default=None, ge=0, le=MAX_DURATION_MS)
    proposed_rating: int | None = Field(default=None, ge=1, le=4)
    coverage: float | None = Field(default=None, ge=0, le=1)
    # key-point indices, stored as JSON text in a 400-character column
    missed_points: list[Annotated[int, Field(ge=0, le=999)]] | None = Field(
        default=None, max_length=60
    )

    @field_validator("reviewed_at")
    @classmethod
    def _in_review_window(cls, value: datetime, info: ValidationInfo) -> datetime:
        # imports only: an export must carry every stored row, even one outside the window
        problem = review_time_problem(value) if (info.context or {}).get("importing") else None
        if problem:
            raise ValueError(problem)  # 9999-12-31 would overflow the FSRS replay
        return value

    @field_validator("card_key")
    @classmethod
    def _key_matches(cls, value: str, info: object) -> str:
        qid = getattr(info, "data", {}).get("question_id")
        if qid and value.split("#f")[0] != qid:
            raise ValueError(f"card_key {value!r} does not belong to question {qid!r}")
        return value


class ProfileRecord(_Strict):
    name: str = Field(min_length=1, max_length=80)
    settings: dict[str, str] = {}


class ProgressFile(_Strict):
    format: Literal["lora-interview-lab-progress"]
    version: Literal[1]
    exported_at: AwareDatetime
    profile: ProfileRecord
    reviews: list[ReviewRecord]


def export_progress(store: ProgressStore, profile_id: int, profile_name: str, now: datetime) -> str:
    """The profile's whole log (all modes) and settings as pretty JSON."""
    settings = {}
    retention = store.get_setting(profile_id, "desired_retention")
    if retention is not None:
        settings["desired_retention"] = retention
    data = ProgressFile(
        format=FORMAT,
        version=FORMAT_VERSION,
        exported_at=now,
        profile=ProfileRecord(name=profile_name, settings=settings),
        reviews=[_record(r) for r in store.reviews(profile_id)],
    )
    return json.dumps(data.model_dump(mode="json"), ensure_ascii=False, indent=1)


def _record(review: Review) -> ReviewRecord:
    return ReviewRecord(
        question_id=review.question_id,
        card_key=review.card_key,
        reviewed_at=review.reviewed_at,
        rating=review.rating,
        mode=review.mode,
        duration_ms=review.duration_ms,
        proposed_rating=review.proposed_rating,
        coverage=review.coverage,
        missed_points=None if review.missed_points is None else list(review.missed_points),
    )


def parse_progress(raw: bytes | str) -> ProgressFile:
    """Validate an export; raise `ImportRefused` with a readable reason."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_IMPORT_BYTES:
            raise ImportRefused(
                f"file too large ({len(raw)} bytes, limit {MAX_IMPORT_BYTES})",
                "too_large",
                size=len(raw),
                limit=MAX_IMPORT_BYTES,
            )
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ImportRefused(f"not UTF-8 text: {exc.reason}", "not_utf8") from exc
    too_deep = ImportRefused(
        f"the JSON nests deeper than {MAX_JSON_DEPTH} levels; a progress export nests 4 deep",
        "too_deep",
        limit=MAX_JSON_DEPTH,
    )
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}",
            "not_json",
            line=exc.lineno,
            column=exc.colno,
        ) from exc
    except RecursionError:  # json's parser recurses once per level: 100,000 '[' end here
        raise too_deep from None
    if json_depth(data) > MAX_JSON_DEPTH:
        raise too_deep
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused(
            f'not a progress export (expected "format": "{FORMAT}")', "not_export", format=FORMAT
        )
    try:
        return ProgressFile.model_validate(data, context={"importing": True})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ImportRefused(
            f"{where}: {first['msg']} ({exc.error_count()} problem(s))",
            "invalid",
            where=where or "-",
            count=exc.error_count(),
        ) from exc


def json_depth(value: object) -> int:
    """How deep lists and objects nest in parsed JSON (a loop, not recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item)
    return deepest


def import_progress(store: ProgressStore, profile_id: int, raw: bytes | str) -> int:
    """Validate then add the file's reviews to the profile in one transaction; return rows added.

    Re-importing the same file adds nothing (rows are unique per card, time and mode).
    """
    data = parse_progress(raw)
    reviews = [
        NewReview(
            question_id=r.question_id,
            card_key=r.card_key,
            reviewed_at=r.reviewed_at.astimezone(UTC),
            rating=r.rating,
            mode=r.mode,
            duration_ms=r.duration_ms,
            proposed_rating=r.proposed_rating,
            coverage=r.coverage,
            missed_points=None if r.missed_points is None else tuple(r.missed_points),
        )
        for r in data.reviews
    ]
    assert all(r.mode in MODES for r in reviews)
    return store.import_reviews(profile_id, reviews)


def export_filename(profile_name: str, now: datetime, suffix: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in profile_name) or "profile"
    return f"lora-lab-{safe}-{now.astimezone(UTC):%Y%m%d}.{suffix}"
