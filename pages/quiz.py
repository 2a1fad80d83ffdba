"""Self-quiz: daily FSRS review, cram (schedule untouched) and a timed mock interview.

Each mode lives in ui/quiz/ (daily_review, cram, mock_interview); this page picks one.
"""

from __future__ import annotations

import streamlit as st

from studykit.study_modes import CRAM, MOCK, REVIEW
from ui.core import ensure_router, get_bank, t
from ui.plain_text import public_text
from ui.quiz.cram import cram
from ui.quiz.daily_review import daily_review
from ui.quiz.mock_interview import mock_interview
from ui.quiz.session import database_guard, open_session
from ui.quiz.sidebar import store_notice

ensure_router()

# the quiz's modes, keyed by the name each one's grades are stored under
MODES = {REVIEW: daily_review, CRAM: cram, MOCK: mock_interview}

with database_guard():  # the database may go away between two queries of this run
    session = open_session(get_bank())
    store = session.store

    st.title(t("quiz.title"))
    if not session.bank.questions:
        st.info(t("quiz.empty_bank"), icon=":material/inbox:")
        st.stop()
    if not store.status.writable:
        st.warning(
            t("quiz.read_only_quiz", detail=public_text(store.status.detail, 200)),
            icon=":material/lock:",
        )
    elif store.status.kind == "recovered":
        store_notice(store)

    st.session_state.setdefault("quiz_mode", REVIEW)
    mode = st.segmented_control(
        t("quiz.mode.label"),
        list(MODES),
        format_func={m: t(f"quiz.mode.{m}") for m in MODES}.__getitem__,  # labels fixed at run time
        key="quiz_mode",
        required=True,
    )

    if mode == REVIEW and not store.status.writable:
        st.info(t("quiz.review_needs_store"))
    else:
        MODES[mode](session)
