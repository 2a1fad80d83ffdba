"""Mock interview: a timed, mixed set of questions and their follow-ups, answered one after another.

The interview's state is the dict in st.session_state["mock"]; its report is in mock_report.py.
"""

from __future__ import annotations

import random
import time

import streamlit as st

from studykit.answer_limits import MAX_ANSWER_CHARS, bounded_answer
from studykit.cards import card_parts
from studykit.mock import (
    SECONDS_PER_QUESTION,
    format_mmss,
    mock_rating,
    mock_steps,
    pick_mock_set,
    score_mock_answer,
)
from studykit.review_record import graded_review
from studykit.schema import Question
from studykit.study_modes import MOCK
from ui.core import current_lang, t
from ui.quiz.grade_writer import grade_messages, write_grade
from ui.quiz.mock_report import mock_report_view
from ui.quiz.session import StudySession, now_utc
from ui.quiz.study_card import card_header


def _start_mock(session: StudySession, questions: list[Question]) -> None:
    n = st.session_state.get("mock_n", 5)
    ids = pick_mock_set(questions, n, seed=random.randrange(1 << 30))
    steps = mock_steps(session.by_id, ids, st.session_state.get("mock_followups", True))
    st.session_state["mock"] = {
        "ids": ids,
        "steps": steps,
        "index": 0,
        "answers": [],
        "started": time.time(),
        "shown": time.time(),
        "limit": SECONDS_PER_QUESTION * len(ids),
        "done": False,
    }


def _submit_mock(session: StudySession) -> None:
    state = st.session_state["mock"]
    qid, n = state["steps"][state["index"]]
    _, _, key_points = card_parts(session.by_id[qid], n, current_lang())
    typed = bounded_answer(st.session_state.get(f"mock_answer_{state['index']}"))
    seconds = time.time() - state["shown"]
    answer, result = score_mock_answer(qid, n, typed, key_points, seconds)
    state["answers"].append(answer)
    state.setdefault("results", []).append(result)  # per-point feedback for the report
    review = graded_review(
        qid,
        n,
        rating=mock_rating(result, typed),
        mode=MOCK,
        reviewed_at=now_utc(),
        duration_ms=int(seconds * 1000),
        result=result,
    )
    store = session.store if session.store.status.writable else None  # read-only: logs nothing
    write_grade(store, session.profile_id, review, "mock")  # a refused write still moves on
    state["index"] += 1
    state["shown"] = time.time()
    state["done"] = state["index"] >= len(state["steps"])


def _end_mock() -> None:
    st.session_state["mock"]["done"] = True


def _setup(session: StudySession) -> None:
    """Before the interview: how many questions, with or without follow-ups, and Start."""
    questions = session.bank.questions
    st.caption(t("quiz.mock.intro", minutes=SECONDS_PER_QUESTION // 60))
    cols = st.columns(2)
    cols[0].slider(
        t("quiz.mock.count"), 1, min(10, len(questions)), min(5, len(questions)), key="mock_n"
    )
    cols[1].toggle(t("quiz.mock.with_followups"), value=True, key="mock_followups")
    st.button(
        t("quiz.mock.start"),
        key="mock_start",
        type="primary",
        on_click=_start_mock,
        args=(session, list(questions)),
        icon=":material/timer:",
    )


def mock_interview(session: StudySession) -> None:
    """Setup, then one step at a time with a live clock, then the report."""
    state = st.session_state.get("mock")
    grade_messages("mock")
    if state is None:
        _setup(session)
        return
    if state["done"]:
        mock_report_view(state, session)
        return
    index, steps = state["index"], state["steps"]
    qid, n = steps[index]
    st.progress(index / len(steps), text=t("quiz.mock.progress", i=index + 1, n=len(steps)))
    _mock_clock(state["started"], state["limit"])
    card_header(session.by_id[qid], n, session.titles, session.lang)
    st.text_area(
        t("quiz.your_answer"),
        key=f"mock_answer_{index}",
        max_chars=MAX_ANSWER_CHARS,
        height=150,
        placeholder=t("quiz.mock.placeholder"),
    )
    cols = st.columns([2, 2, 5])
    cols[0].button(
        t("quiz.mock.submit"),
        key="mock_submit",
        type="primary",
        on_click=_submit_mock,
        args=(session,),
        icon=":material/send:",
    )
    cols[1].button(t("quiz.mock.end"), key="mock_end", on_click=_end_mock, type="tertiary")


@st.fragment(run_every=1.0)
def _mock_clock(started: float, limit: float) -> None:
    """A live interview clock: only this fragment reruns each second, never the answer box."""
    elapsed = time.time() - started
    st.caption(t("quiz.mock.clock", elapsed=format_mmss(elapsed), limit=format_mmss(limit)))
    if elapsed > limit:
        st.warning(t("quiz.mock.over_time"), icon=":material/timer_off:")
