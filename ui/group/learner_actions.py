"""The learner's buttons (submit, skip, send to self-quiz) and the one-shot message they leave.

The callbacks run inside the learner's live fragment, so only that fragment reruns after a click;
the message they leave in FLASH is drawn by the fragment's next run.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from studykit.rooms import Member, RoomError
from studykit.rooms.tally import grade
from ui.core import get_bank, t
from ui.group.common import get_rooms
from ui.group.progress_link import record_answer, send_to_self_quiz
from ui.quiz.session import get_store, store_unavailable

FLASH = "group_flash"  # (kind, message key, or "raw" and a ready message) shown once
SENT = "group_sent"  # the (room, question) slots this session sent to its self-quiz


def show_flash() -> None:
    """The message a callback left, once."""
    item = st.session_state.pop(FLASH, None)
    if not item:
        return
    kind, message = item
    text = message if kind == "raw" else t(message)
    if kind == "info":
        st.info(text, icon=":material/info:")
    elif kind == "success":
        st.success(text, icon=":material/check:")
    else:
        st.error(text, icon=":material/error:")


def submit(code: str, token: str, index: int, skip: bool) -> None:
    """Grade and store the answer in the box (or a skip) for question `index`, once."""
    state = st.session_state
    answer = (state.get("group_answer") or "").strip()
    if not skip and not answer:
        state[FLASH] = ("error", "group.error.empty")
        return
    rooms = get_rooms()
    try:
        member = rooms.member(code, token)
        room = rooms.room(code)
        question = get_bank().by_id().get(room.question_ids[index])
        if question is None:
            raise RoomError("question_closed")
        graded = None if skip else grade(answer, question.answer.key_points)
        _, new = rooms.submit(code, member, index, answer, graded)
        if not new:
            state[FLASH] = ("info", "group.already_answered")
        elif graded is not None and member.profile_id:
            record_answer(get_store(), member.profile_id, question.id, graded)
    except RoomError as exc:
        state[FLASH] = ("error", f"group.error.{exc.reason}")
    except SQLAlchemyError as exc:
        state[FLASH] = ("raw", store_unavailable(exc))


def send(member: Member, question_id: str, slot: tuple[str, int]) -> None:
    """Put the question in the learner's own self-quiz queue."""
    try:
        send_to_self_quiz(get_store(), member.profile_id or 0, question_id)
    except SQLAlchemyError as exc:
        st.session_state[FLASH] = ("raw", store_unavailable(exc))
        return
    st.session_state.setdefault(SENT, set()).add(slot)
    st.session_state[FLASH] = ("success", "group.sent_quiz")
