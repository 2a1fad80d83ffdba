"""The sidebar: who is studying (each profile has its own progress) and the progress store's health."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from studykit.plain_text import public_text
from studykit.quiz_ui.session import ACTIVE_PROFILE, get_store, store_unavailable
from studykit.store import DEFAULT_PROFILE, ProgressStore
from studykit.ui import t

PROFILE_KEY = "profile"  # the sidebar widget


def _create_profile(store: ProgressStore) -> None:
    name = (st.session_state.get("profile_new_name") or "").strip()
    if not name:
        return
    try:
        store.ensure_profile(name)
    except SQLAlchemyError as exc:
        st.session_state["profile_error"] = store_unavailable(exc)
        return
    except ValueError:
        st.session_state["profile_error"] = t("quiz.profile.bad_name")
        return
    st.session_state[ACTIVE_PROFILE] = name
    st.session_state["profile_new_name"] = ""


def _pick_profile() -> None:
    st.session_state[ACTIVE_PROFILE] = st.session_state[PROFILE_KEY]


def profile_picker() -> None:
    """Sidebar: who is studying (each profile has its own progress) and the store's health."""
    store = get_store()
    try:
        if store.status.writable and not store.profiles():
            store.ensure_profile(DEFAULT_PROFILE)
        names = [p.name for p in store.profiles()] or [DEFAULT_PROFILE]
    except SQLAlchemyError as exc:  # unreachable database: pages without progress keep working
        st.warning(store_unavailable(exc), icon=":material/cloud_off:")
        return
    if st.session_state.get(ACTIVE_PROFILE) not in names:
        st.session_state[ACTIVE_PROFILE] = names[0]
    st.session_state[PROFILE_KEY] = st.session_state[ACTIVE_PROFILE]
    st.selectbox(t("quiz.profile.label"), names, key=PROFILE_KEY, on_change=_pick_profile)
    if store.status.writable:
        with st.popover(t("quiz.profile.new"), icon=":material/person_add:"):
            st.text_input(t("quiz.profile.new_name"), key="profile_new_name", max_chars=80)
            st.button(
                t("quiz.profile.create"),
                key="profile_create",
                on_click=_create_profile,
                args=(store,),
            )
    if error := st.session_state.pop("profile_error", None):
        st.error(error)
    store_notice(store)


def store_notice(store: ProgressStore) -> None:
    """Say so when the progress file was moved aside or cannot be written."""
    status = store.status
    if status.kind == "recovered":
        st.warning(
            t(
                "quiz.store.recovered",
                path=public_text(status.moved_to, 120),
                reason=public_text(status.detail, 200),
            ),
            icon=":material/warning:",
        )
    elif status.kind == "read_only":
        st.warning(
            t("quiz.store.read_only", detail=public_text(status.detail, 200)),
            icon=":material/lock:",
        )
