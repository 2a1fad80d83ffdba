"""The values the progress store reads and writes: grades, profiles, how it opened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, NamedTuple

from studykit.study_modes import REVIEW, STUDY_MODES, StudyMode

MODES = STUDY_MODES  # the values `review_log.mode` may hold


class LogVersion(NamedTuple):
    """A cache key of a profile's log that differs after every write or delete."""

    row_count: int
    max_id: int
    writes: int


@dataclass(frozen=True)
class NewReview:
    """A grade to record. `rating` is the chosen rating (1 Again … 4 Easy)."""

    question_id: str
    card_key: str
    reviewed_at: datetime
    rating: int
    mode: StudyMode = REVIEW
    duration_ms: int | None = None
    proposed_rating: int | None = None
    coverage: float | None = None
    missed_points: tuple[int, ...] | None = None  # None: no typed answer was graded

    def __post_init__(self) -> None:
        if self.rating not in (1, 2, 3, 4):
            raise ValueError(f"rating must be 1..4, got {self.rating!r}")
        if self.proposed_rating is not None and self.proposed_rating not in (1, 2, 3, 4):
            raise ValueError(f"proposed_rating must be 1..4, got {self.proposed_rating!r}")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {self.mode!r}")
        if self.reviewed_at.tzinfo is None:
            raise ValueError("reviewed_at must be timezone-aware (UTC)")


@dataclass(frozen=True)
class Review(NewReview):
    """A recorded grade, with its row id and profile."""

    id: int = 0
    profile_id: int = 0


@dataclass(frozen=True)
class Profile:
    """A learner: its row id and unique name."""

    id: int
    name: str


@dataclass(frozen=True)
class StoreStatus:
    """How the store opened: ok, recovered (a bad file was moved aside) or read_only."""

    kind: Literal["ok", "recovered", "read_only"] = "ok"
    moved_to: str | None = None
    detail: str = ""

    @property
    def writable(self) -> bool:
        return self.kind != "read_only"
