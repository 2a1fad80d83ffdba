"""The learner's live area: one fragment that polls the room and draws what the room is at.

The presenter's changes (next question, reveal) reach the learner through this fragment's own timed
run: nothing here reruns the whole app. A full rerun started from inside a polling fragment races
the browser's next poll (Streamlit 1.64 folds a pending full rerun and a newer fragment request into
one), so the open question, the answer box, the buttons, the feedback and the answer key all live in
the fragment. Every poll redraws all of it, so what it draws is kept small (answer_key.py).

The answer box keeps its key (`group_answer`) and its parameters from poll to poll, so the browser
keeps what the learner is typing; it is emptied once, when a new question opens.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from studykit.rooms import Member, RoomError, RoomState
from studykit.rooms.records import MAX_ANSWER
from studykit.rooms.tally import AnswerRecord
from studykit.schema import Question
from ui.core import current_lang, get_bank, t
from ui.group.answer_key import learner_answer_key
from ui.group.common import get_rooms, question_text, refresh_s, show_room_error
from ui.group.learner_actions import SENT, send, show_flash, submit
from ui.group.learner_feedback import feedback, my_answer, my_answers
from ui.group.poll_gate import poll_slot
from ui.quiz.session import store_unavailable

LAST_ROOM = "group_last_room"  # the room as last read: drawn again if one poll's read fails
MINE = "group_mine"  # (slot, answer) once this learner's answer to the slot is stored
ANSWER_FOR = "group_answer_for"  # the slot the answer box belongs to


def live_seat(code: str, member: Member) -> None:
    """Draw the learner's room area now and again every few seconds (a fragment)."""
    st.fragment(run_every=refresh_s())(_seat)(code, member)


def _seat(code: str, member: Member) -> None:
    with poll_slot():  # a few polls at a time: see poll_gate.py
        _draw_seat(code, member)


def _draw_seat(code: str, member: Member) -> None:
    room = _read_room(code)
    if room is None:
        return
    show_flash()
    if datetime.now(UTC) >= room.expires_at:
        st.warning(t("group.error.expired"), icon=":material/timer_off:")
        my_answers(room, member)
        return
    if room.current < 0:
        st.info(t("group.waiting"), icon=":material/hourglass_empty:")
        return
    if room.deadline and not room.revealed:
        left = int((room.deadline - datetime.now(UTC)).total_seconds())
        st.caption(t("group.time_left", s=max(left, 0)))
    question = get_bank().by_id().get(room.question_ids[room.current])
    _question(room, member, question)


def _read_room(code: str) -> RoomState | None:
    """The room now; if the database fails for one poll, the room as last read (with a note)."""
    state = st.session_state
    try:
        room = get_rooms().room(code)
    except RoomError as exc:
        show_room_error(exc)
        if st.button(t("group.join_again"), key="group_rejoin"):
            st.query_params.pop("member", None)
            st.rerun()  # the learner's own click: back to the join form
        return None
    except SQLAlchemyError as exc:
        st.caption(store_unavailable(exc))
        return state.get(LAST_ROOM)
    state[LAST_ROOM] = room
    return room


def _stored_answer(room: RoomState, member: Member) -> AnswerRecord | None:
    """This learner's answer to the open question; once stored it cannot change, so it is kept."""
    slot = (room.code, room.current)
    kept = st.session_state.get(MINE)
    if kept and kept[0] == slot:
        return kept[1]
    try:
        mine = get_rooms().my_answer(room, member, room.current)
    except SQLAlchemyError:
        return None  # the box stays; a submit then says what is wrong
    if mine is not None:
        st.session_state[MINE] = (slot, mine)
    return mine


def _question(room: RoomState, member: Member, question: Question | None) -> None:
    lang = current_lang()
    st.subheader(t("group.question_n", n=room.current + 1, total=len(room.question_ids)))
    st.markdown(question_text(question, lang))  # bank content (trusted Markdown)
    slot = (room.code, room.current)
    if st.session_state.get(ANSWER_FOR) != slot:  # a new question: an empty answer box, once
        st.session_state[ANSWER_FOR] = slot
        st.session_state["group_answer"] = ""
    mine = _stored_answer(room, member)
    if mine is None and not room.revealed:
        _answer_box(room, member)
        return
    if mine is None:
        st.warning(t("group.revealed_unanswered"), icon=":material/info:")
    else:
        my_answer(mine)
    if not room.revealed:
        st.info(t("group.wait_reveal"), icon=":material/hourglass_empty:")
        return
    if question is None:
        return
    if mine is not None and not mine.skipped:
        feedback(mine, question, lang)
    if member.profile_id:
        st.button(
            t("group.send_quiz"),
            key="group_send",
            icon=":material/playlist_add:",
            disabled=slot in st.session_state.get(SENT, set()),
            on_click=send,
            args=(member, question.id, slot),
        )
    learner_answer_key(get_bank(), question)


def _answer_box(room: RoomState, member: Member) -> None:
    # same label, key and size on every poll: the browser keeps the text being typed
    st.text_area(t("group.answer"), key="group_answer", max_chars=MAX_ANSWER, height=180)
    args = (room.code, member.token, room.current)
    with st.container(horizontal=True):
        st.button(
            t("group.submit"),
            key="group_submit",
            type="primary",
            on_click=submit,
            args=(*args, False),
        )
        st.button(t("group.skip"), key="group_skip", on_click=submit, args=(*args, True))
