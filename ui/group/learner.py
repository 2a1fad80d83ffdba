"""The learner's side: join with a code and a name, answer the open question, see feedback on reveal.

The learner's key lives in the URL (`?room=…&member=…`), so a refresh or a reopened tab comes back
to the same seat with the answer already given. A small fragment polls the room (one indexed row)
and reruns the page only when the presenter opened another question or revealed the answer.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from studykit.bank_markdown import key_point_markdown
from studykit.rooms import Member, RoomError, RoomState
from studykit.rooms.codes import normalize_code
from studykit.rooms.records import MAX_ANSWER, MAX_NAME
from studykit.rooms.tally import AnswerRecord, grade
from studykit.schema import Question
from ui.core import current_lang, get_bank, t
from ui.group.common import (
    get_rooms,
    question_text,
    refresh_s,
    show_room_error,
)
from ui.group.progress_link import record_answer, send_to_self_quiz
from ui.plain_text import md_text
from ui.question_view import render_answer
from ui.quiz.session import current_profile, get_store, store_unavailable

FLASH = "group_flash"  # (kind, message key) shown once after a callback
STATUS_ICON = {
    "covered": ":green[:material/check_circle:]",
    "partial": ":orange[:material/adjust:]",
    "missed": ":gray[:material/radio_button_unchecked:]",
    "contradicted": ":red[:material/cancel:]",
}


def learner_view(code: str, member_token: str | None) -> None:
    if member_token is None:
        _join_form(code)
        return
    rooms = get_rooms()
    try:
        member = rooms.member(code, member_token)
        room = rooms.room(code)
    except RoomError as exc:
        show_room_error(exc)
        st.button(t("group.join_again"), key="group_rejoin", on_click=_leave)
        return
    _flash()
    st.caption(t("group.you_are"))
    st.text(member.name)
    if datetime.now(UTC) >= room.expires_at:
        st.warning(t("group.error.expired"), icon=":material/timer_off:")
        _my_answers(room, member)
        return
    _watch(room.code, (room.current, room.revealed))
    if room.current < 0:
        st.info(t("group.waiting"), icon=":material/hourglass_empty:")
        return
    question = get_bank().by_id().get(room.question_ids[room.current])
    _question(room, member, question)


def _join_form(code: str) -> None:
    st.session_state.setdefault("group_join_code", normalize_code(code))
    _flash()
    st.text_input(t("group.join_code"), key="group_join_code", max_chars=16)
    st.text_input(t("group.join_name"), key="group_join_name", max_chars=MAX_NAME)
    store = get_store()
    profile_name = None
    if store.status.writable:
        try:
            profile_name = current_profile(store)[1]
        except SQLAlchemyError:
            profile_name = None
    if profile_name:
        # a checkbox label is Markdown: the learner's name goes in as escaped text
        st.checkbox(t("group.keep_progress", profile=md_text(profile_name, 80)), key="group_keep")
    st.button(t("group.join"), key="group_join", type="primary", on_click=_join)


def _join() -> None:
    state = st.session_state
    profile_id = None
    try:
        if state.get("group_keep"):
            profile_id = current_profile(get_store())[0] or None
        member = get_rooms().join(
            state.get("group_join_code", ""), state.get("group_join_name", ""), profile_id
        )
    except RoomError as exc:
        state[FLASH] = ("error", f"group.error.{exc.reason}")
        return
    except SQLAlchemyError as exc:
        state[FLASH] = ("raw", store_unavailable(exc))
        return
    st.query_params["room"] = normalize_code(state["group_join_code"])
    st.query_params["member"] = member.token


def _leave() -> None:
    st.query_params.pop("member", None)


def _flash() -> None:
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


def _watch(code: str, seen: tuple[int, bool]) -> None:
    """Poll the room; rerun the whole page only when the presenter changed something."""

    def watch() -> None:
        try:
            room = get_rooms().room(code)
        except (RoomError, SQLAlchemyError):
            return  # the next full run says what is wrong
        if (room.current, room.revealed) != seen:
            st.rerun()
        if room.deadline and not room.revealed:
            left = int((room.deadline - datetime.now(UTC)).total_seconds())
            st.caption(t("group.time_left", s=max(left, 0)))

    st.fragment(run_every=refresh_s())(watch)()


def _question(room: RoomState, member: Member, question: Question | None) -> None:
    lang = current_lang()
    st.subheader(t("group.question_n", n=room.current + 1, total=len(room.question_ids)))
    st.markdown(question_text(question, lang))  # bank content (trusted Markdown)
    slot = (room.code, room.current)
    if st.session_state.get("group_answer_for") != slot:  # a new question: an empty answer box
        st.session_state["group_answer_for"] = slot
        st.session_state["group_answer"] = ""
    mine = get_rooms().my_answer(room, member, room.current)
    if mine is None and not room.revealed:
        st.text_area(t("group.answer"), key="group_answer", max_chars=MAX_ANSWER, height=180)
        with st.container(horizontal=True):
            args = (room.code, member.token, room.current)
            st.button(
                t("group.submit"),
                key="group_submit",
                type="primary",
                on_click=_submit,
                args=(*args, False),
            )
            st.button(t("group.skip"), key="group_skip", on_click=_submit, args=(*args, True))
        return
    if mine is None:
        st.warning(t("group.revealed_unanswered"), icon=":material/info:")
    else:
        _my_answer(mine)
    if not room.revealed:
        st.info(t("group.wait_reveal"), icon=":material/hourglass_empty:")
        return
    if question is not None:
        if mine is not None and not mine.skipped:
            _feedback(mine, question, lang)
        if member.profile_id:
            sent = st.session_state.get("group_sent", set())
            st.button(
                t("group.send_quiz"),
                key="group_send",
                icon=":material/playlist_add:",
                disabled=slot in sent,
                on_click=_send,
                args=(member, question.id, slot),
            )
        render_answer(get_bank(), question)


def _my_answer(mine: AnswerRecord) -> None:
    if mine.skipped:
        st.info(t("group.you_skipped"), icon=":material/skip_next:")
        return
    st.success(t("group.answer_in"), icon=":material/check:")
    with st.container(border=True):
        st.text(mine.answer)  # the learner's own words, as text


def _feedback(mine: AnswerRecord, question: Question, lang: str) -> None:
    st.markdown(f"#### {t('group.your_feedback')}")
    st.metric(t("group.coverage"), f"{(mine.coverage or 0):.0%}")
    for index, point in enumerate(question.answer.key_points):
        status = mine.statuses[index] if index < len(mine.statuses) else "missed"
        st.markdown(
            f"{STATUS_ICON[status]} {key_point_markdown(point.text.get(lang))} · {t(f'group.status.{status}')}"
        )
    if mine.misconception:
        st.warning(t("group.misconception_you"), icon=":material/report:")
        st.text(mine.misconception.get(lang) or mine.misconception["zh"])


def _submit(code: str, token: str, index: int, skip: bool) -> None:
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


def _send(member: Member, question_id: str, slot: tuple[str, int]) -> None:
    try:
        send_to_self_quiz(get_store(), member.profile_id or 0, question_id)
    except SQLAlchemyError as exc:
        st.session_state[FLASH] = ("raw", store_unavailable(exc))
        return
    st.session_state.setdefault("group_sent", set()).add(slot)
    st.session_state[FLASH] = ("success", "group.sent_quiz")


def _my_answers(room: RoomState, member: Member) -> None:
    """After the room ended: the learner's own answers, kept."""
    mine = [a for a in get_rooms().answers(room) if a.member_name == member.name]
    for record in mine:
        st.caption(t("group.question_n", n=record.question_index + 1, total=len(room.question_ids)))
        _my_answer(record)
