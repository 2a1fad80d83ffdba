"""The learner's live area: a tiny polling fragment that watches the room, and the room view it keeps.

Two fragments, side by side:
- the watch (`_watch`, `run_every`) reads the room's one row every few seconds, draws the countdown
  when the question has a timer, and compares the room's state (question, revealed, timer, expired)
  with the state the room view was drawn for. Only when they differ does it rerun the page, once,
  so the room view is drawn anew. A poll that finds the room unchanged sends the browser next to
  nothing: with the whole view redrawn on every poll, 30 learner pages re-rendered the answer key
  every 2 s after the reveal and showed it at p95 31-49 s while the server had sent it at 2.6-7.3 s
  (bench/LOAD_RESULTS.md, issue 16).
- the room view (`_seat`, no timer) draws the open question, the answer box and buttons, "your
  answer is in", the feedback and the answer key. Its buttons rerun only this fragment. No timer
  reruns it, so a click never shares its rerun with a poll of the same fragment; the submit that
  was stored but never acknowledged in one 30-learner run had its button in the polling fragment.

The answer box keeps its key (`group_answer`) and its parameters from run to run, so the browser
keeps what the learner is typing; it is emptied once, when a new question opens. The page reruns
only when the room moved on (new question, reveal, timer, expiry), when the box is replaced anyway.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from streamlit.runtime.scriptrunner import get_script_run_ctx

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

LAST_ROOM = "group_last_room"  # the room as last read: drawn again if one read fails
MINE = "group_mine"  # (slot, answer) once this learner's answer to the slot is stored
ANSWER_FOR = "group_answer_for"  # the slot the answer box belongs to
DRAWN = "group_drawn"  # the room state (`room_state`) the room view was last drawn for
DRAWN_AT = "group_drawn_at"  # when the room view first drew that state (time.monotonic())
REDRAW_DUE = "group_redraw_due"  # one more drawing of that state is still due
REDRAW_AFTER_S = 8.0  # the second drawing of a new room state, this long after the first

RoomShown = tuple[object, ...]


def live_seat(code: str, member: Member) -> None:
    """The watch, then the room view; each is a fragment at a fixed place on the page."""
    st.fragment(run_every=refresh_s())(_watch)(code)
    st.fragment(_seat)(code, member)


def room_state(room: RoomState) -> RoomShown:
    """What the room view depends on: a change in any of these redraws it."""
    expired = datetime.now(UTC) >= room.expires_at
    return (room.code, room.current, room.revealed, room.deadline, expired)


def _watch(code: str) -> None:
    with poll_slot():  # a few polls at a time: see poll_gate.py
        try:
            room = get_rooms().room(code)
        except RoomError as exc:
            _rerun_if_moved(("error", exc.reason))
            return
        except SQLAlchemyError:
            return  # the view stays as drawn; the next poll tries again
    now = room_state(room)
    expired = now[-1]
    if room.deadline and not room.revealed and not expired:
        left = int((room.deadline - datetime.now(UTC)).total_seconds())
        st.caption(t("group.time_left", s=max(left, 0)))
    _rerun_if_moved(now)


def _rerun_if_moved(now: RoomShown) -> None:
    """In the watch's own poll: rerun the page if the room view was drawn for another state, and
    once more a few seconds after it was, in case that drawing never reached the page.

    With 30 learner pages on a loaded machine, a page now and then missed the one run that drew a
    new question (the server had run it; its websocket kept carrying the polls), and nothing would
    have drawn the view again until the room moved on (bench/LOAD_RESULTS.md, issue 16).
    """
    if not _own_poll():
        return
    state = st.session_state
    if state.get(DRAWN) != now:
        st.rerun()  # the room moved on; what the learner is typing stays in the browser
    if state.get(REDRAW_DUE) and time.monotonic() - state.get(DRAWN_AT, 0.0) >= REDRAW_AFTER_S:
        state[REDRAW_DUE] = False
        st.rerun()


def _own_poll() -> bool:
    """True in the watch's own timed run; False when the whole page runs (the view is drawn next)."""
    ctx = get_script_run_ctx()
    return bool(ctx and ctx.fragment_ids_this_run)


def _seat(code: str, member: Member) -> None:
    room = _read_room(code)
    if room is None:
        return
    _drawing(room_state(room))
    show_flash()
    if datetime.now(UTC) >= room.expires_at:
        st.warning(t("group.error.expired"), icon=":material/timer_off:")
        my_answers(room, member)
        return
    if room.current < 0:
        st.info(t("group.waiting"), icon=":material/hourglass_empty:")
        return
    question = get_bank().by_id().get(room.question_ids[room.current])
    _question(room, member, question)


def _drawing(shown: RoomShown) -> None:
    """Note the room state the view is drawn for; a new one is due to be drawn once more."""
    state = st.session_state
    if state.get(DRAWN) != shown:
        state[DRAWN] = shown
        state[DRAWN_AT] = time.monotonic()
        state[REDRAW_DUE] = True


def _read_room(code: str) -> RoomState | None:
    """The room now; if the database fails for one read, the room as last read (with a note)."""
    state = st.session_state
    try:
        room = get_rooms().room(code)
    except RoomError as exc:
        _drawing(("error", exc.reason))
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
