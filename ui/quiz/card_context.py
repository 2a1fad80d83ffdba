"""Which card is on screen and where its widget state lives: everything a grade callback needs."""

from __future__ import annotations

from dataclasses import dataclass

from studykit.cards import card_key
from studykit.study_modes import StudyMode


@dataclass(frozen=True)
class CardContext:
    """Everything a grade callback needs to write one review."""

    question_id: str
    follow_up: int | None
    mode: StudyMode  # the study mode its grade is stored under: REVIEW or CRAM
    profile_id: int
    state_prefix: str  # session-state namespace of the calling mode

    @property
    def key(self) -> str:
        return card_key(self.question_id, self.follow_up)

    def state_key(self, name: str) -> str:
        """The session-state key of this card's `name` (answer, typed, grade, revealed, shown)."""
        return f"{self.state_prefix}_{name}_{self.key}"
