"""What belongs to the learner on screen and must go when another learner is chosen."""

from __future__ import annotations

import streamlit as st

from studykit.study_modes import STUDY_MODES

MODE_PREFIXES = STUDY_MODES  # each study mode keeps its session state under "<mode>_..."
# per-learner state: queues, undo history, the card on screen and its typed answer, the interview
PER_LEARNER = ("followups", "undo_steps", "front", "graded", "index", "answer_", "typed_", "grade_")
PER_LEARNER_MORE = ("revealed_", "shown_", "saved", "error")


def clear_learner_state() -> None:
    """Forget the previous learner's session: follow-up queue, undo steps, cards in progress,
    cram position and a running mock interview. Preferences (language, drill switches) stay."""
    names = PER_LEARNER + PER_LEARNER_MORE
    for key in list(st.session_state.keys()):
        for prefix in MODE_PREFIXES:
            rest = key[len(prefix) + 1 :] if key.startswith(f"{prefix}_") else None
            if rest is None:
                continue
            if any(rest == n or (n.endswith("_") and rest.startswith(n)) for n in names):
                del st.session_state[key]
                break
    st.session_state.pop("mock", None)
