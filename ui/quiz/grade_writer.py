"""Writing one grade to the progress store: the one path daily review, cram and mock interview use.

Every grade is written inside a button callback, before the rerun that acknowledges it; a write
that fails leaves the card where it was and a message for the next run (nothing was saved).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from studykit.store import NewReview, ProgressStore, database_error_line
from ui.core import t


@dataclass(frozen=True)
class GradeWrite:
    """What became of one grade: `saved` False when the store refused it."""

    saved: bool
    review_id: int | None = None  # None: not written (no store for this mode, or refused)


def save_failed(exc: Exception) -> str:
    """The message for a write to the progress store that failed (nothing was saved)."""
    return t("quiz.save_failed", reason=database_error_line(exc, 200))  # no SQL echo


def write_grade(
    store: ProgressStore | None, profile_id: int, review: NewReview, prefix: str
) -> GradeWrite:
    """Write `review` (committed before returning). With no store the mode records nothing; a
    failed write leaves its message under "<prefix>_error" for `grade_messages`."""
    if store is None:
        return GradeWrite(saved=True)
    try:
        return GradeWrite(saved=True, review_id=store.add_review(profile_id, review).id)
    except Exception as exc:  # the grade was NOT saved: keep the card, tell the learner
        st.session_state[f"{prefix}_error"] = save_failed(exc)
        return GradeWrite(saved=False)


def grade_messages(prefix: str) -> None:
    """The toast (saved) or error (not saved) a grade or undo callback left for this run."""
    if saved := st.session_state.pop(f"{prefix}_saved", None):
        st.toast(saved, icon=":material/task_alt:")
    if error := st.session_state.pop(f"{prefix}_error", None):
        st.error(error, icon=":material/error:")
