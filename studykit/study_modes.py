"""The quiz's three study modes, named as the review log stores them."""

from __future__ import annotations

from typing import Final, Literal

# These strings are stored in `review_log.mode` (and in exported progress files): existing rows must
# keep loading, so they never change. The quiz's "daily review" is the mode stored as "review".
StudyMode = Literal["review", "cram", "mock"]
REVIEW: Final = "review"  # daily FSRS review: the only mode whose grades schedule cards
CRAM: Final = "cram"  # every filtered question once; logged, never scheduled
MOCK: Final = "mock"  # a timed mock interview; logged, never scheduled
STUDY_MODES: Final[tuple[StudyMode, ...]] = (REVIEW, CRAM, MOCK)
