"""Cram: every filtered question once, in a shuffled order; grades are logged but never schedule."""

from __future__ import annotations

import random

import streamlit as st

from studykit.question_filters import shuffled_ids
from studykit.study_modes import CRAM
from ui.core import t
from ui.quiz.card_context import CardContext
from ui.quiz.filters import question_filters
from ui.quiz.follow_ups import after_grade, next_follow_up
from ui.quiz.grade_writer import grade_messages, save_failed
from ui.quiz.session import StudySession
from ui.quiz.study_card import study_card
from ui.quiz.undo import can_undo, undo_button, undo_last_grade


def _restart_cram() -> None:
    st.session_state["cram_index"] = 0
    st.session_state["cram_seed"] = random.randrange(1 << 30)


def _undo(session: StudySession) -> None:
    store = session.store if session.store.status.writable else None
    try:
        undo_last_grade("cram", store)
    except Exception as exc:  # the row could not be deleted: nothing changed
        st.session_state["cram_error"] = save_failed(exc)


def _card(session: StudySession, qid: str, follow_up: int | None) -> None:
    # cram grades are logged (mode="cram", never scheduled) when the store is writable
    store = session.store if session.store.status.writable else None
    ctx = CardContext(qid, follow_up, CRAM, session.profile_id, "cram")
    study_card(session.by_id[qid], ctx, session.titles, store=store)


def cram(session: StudySession) -> None:
    """Filters, the drill switch, then the next follow-up or the next question of this round."""
    graded = after_grade("cram", st.session_state.get("cram_drill", True), session.by_id)
    if graded is not None and graded.follow_up is None:
        st.session_state["cram_index"] = st.session_state.get("cram_index", 0) + 1
    st.caption(t("quiz.cram_hint"))
    questions = question_filters(session)
    st.toggle(t("quiz.drill_followups"), value=True, key="cram_drill")
    grade_messages("cram")
    if can_undo("cram", session.profile_id):
        undo_button("cram", _undo, session)
    ids = shuffled_ids(
        questions, st.session_state.setdefault("cram_seed", random.randrange(1 << 30))
    )
    index = st.session_state.get("cram_index", 0)
    step = next_follow_up("cram", session.by_id)
    if step is not None:
        _card(session, *step)
        return
    if index >= len(ids):
        st.success(t("quiz.cram_done", n=len(ids)), icon=":material/celebration:")
        st.button(t("quiz.cram_again"), key="cram_restart", on_click=_restart_cram)
        return
    st.progress(index / max(len(ids), 1), text=t("quiz.cram_progress", i=index + 1, n=len(ids)))
    _card(session, ids[index], None)
