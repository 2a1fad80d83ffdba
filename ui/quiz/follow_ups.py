"""The follow-up (追问) drill between cards: which follow-up, if any, comes before the next question.

The queue lives in session state under "<mode prefix>_followups"; the pure rules are in
`studykit.follow_up_rules`.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from studykit.follow_up_rules import FollowUpStep, follow_ups_after_grade, live_follow_ups
from studykit.schema import Question
from ui.quiz.card_context import CardContext


def after_grade(prefix: str, drill: bool, by_id: dict[str, Question]) -> CardContext | None:
    """A card was just graded: update the follow-up queue and return its context (else None)."""
    ctx: CardContext | None = st.session_state.pop(f"{prefix}_graded", None)
    if ctx is None:
        return None
    count = len(by_id[ctx.question_id].follow_ups) if ctx.question_id in by_id else 0
    pending = st.session_state.setdefault(f"{prefix}_followups", [])
    st.session_state[f"{prefix}_followups"] = follow_ups_after_grade(
        pending, ctx.question_id, ctx.follow_up, count, drill
    )
    return ctx


def skip_follow_ups(prefix: str) -> None:
    st.session_state[f"{prefix}_followups"] = []


def next_follow_up(
    prefix: str, by_id: dict[str, Question], may_ask: Callable[[str], bool] | None = None
) -> FollowUpStep | None:
    """The follow-up to ask now, dropping queued ones that left the bank or `may_ask` refuses
    (daily review: scheduled for later, or new when the day's new cards are used up)."""
    key = f"{prefix}_followups"
    pending = live_follow_ups(st.session_state.get(key) or [], by_id, may_ask)
    if key in st.session_state:
        st.session_state[key] = pending
    return pending[0] if pending else None
