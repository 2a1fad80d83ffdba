"""The learner's side: join with a code and a name, then the live room area (learner_live.py).

The learner's key lives in the URL (`?room=…&member=…`), so a refresh or a reopened tab comes back
to the same seat with the answer already given. Only joining (and leaving) reruns the whole page;
everything that follows the presenter is drawn by the live fragment.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from studykit.rooms import RoomError
from studykit.rooms.codes import normalize_code
from studykit.rooms.records import MAX_NAME
from ui.core import t
from ui.group.common import get_rooms, show_room_error
from ui.group.learner_actions import FLASH, show_flash
from ui.group.learner_feedback import my_answers
from ui.group.learner_live import live_seat
from ui.plain_text import md_text
from ui.quiz.session import current_profile, get_store, store_unavailable


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
    st.caption(t("group.you_are"))
    st.text(member.name)
    if datetime.now(UTC) >= room.expires_at:  # nothing more will change: no polling
        st.warning(t("group.error.expired"), icon=":material/timer_off:")
        my_answers(room, member)
        return
    live_seat(room.code, member)


def _join_form(code: str) -> None:
    st.session_state.setdefault("group_join_code", normalize_code(code))
    show_flash()
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
