"""The sidebar: who is studying (each profile has its own progress) and the progress store's health."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from studykit.deployment import shared_deployment
from studykit.passphrase import MAX_CHARS, hash_passphrase, passphrase_problem
from studykit.store import DEFAULT_PROFILE, ProgressStore
from ui.core import t
from ui.learner_access import (
    PASSPHRASE_SETTING,
    URL_PARAM,
    active_learner,
    may_open,
    open_learner,
    unlock,
)
from ui.plain_text import public_text
from ui.quiz.session import get_store, store_unavailable

PROFILE_KEY = "profile"  # the sidebar widget
PENDING = "profile_pending"  # a learner picked but not yet unlocked


def _create_profile(store: ProgressStore) -> None:
    ss = st.session_state
    name = (ss.get("profile_new_name") or "").strip()
    secret = ss.get("profile_new_passphrase") or ""
    if not name:
        return
    if shared_deployment() and not secret:
        ss["profile_error"] = t("quiz.profile.passphrase_required")
        return
    if secret and (problem := passphrase_problem(secret)):
        ss["profile_error"] = t("quiz.profile.bad_passphrase", problem=problem)
        return
    try:
        if store.get_profile(name) is not None:  # creating must never open someone's progress
            ss["profile_error"] = t("quiz.profile.exists")
            return
        profile = store.ensure_profile(name)
        if secret:
            store.set_setting(profile.id, PASSPHRASE_SETTING, hash_passphrase(secret))
            unlock(store, profile, secret)
    except SQLAlchemyError as exc:
        ss["profile_error"] = store_unavailable(exc)
        return
    except ValueError:
        ss["profile_error"] = t("quiz.profile.bad_name")
        return
    open_learner(name)
    ss.pop(PENDING, None)
    ss["profile_new_name"] = ""
    ss["profile_new_passphrase"] = ""


def _pick_profile(store: ProgressStore) -> None:
    name = st.session_state.get(PROFILE_KEY)
    profile = store.get_profile(name) if name else None
    if profile is None:
        return
    if may_open(store, profile):
        st.session_state.pop(PENDING, None)
        open_learner(name)
    else:
        st.session_state[PENDING] = name  # the current learner stays open until unlocked


def _unlock(store: ProgressStore) -> None:
    ss = st.session_state
    name, secret = ss.get(PENDING), ss.get("profile_passphrase") or ""
    ss["profile_passphrase"] = ""
    profile = store.get_profile(name) if name else None
    if profile is None:
        ss["profile_error"] = t("quiz.profile.wrong_passphrase")
    elif outcome := unlock(store, profile, secret):
        ss.pop(PENDING, None)
        open_learner(profile.name)
    else:
        ss["profile_error"] = outcome.message()  # wrong, or too many wrong ones: wait


def _set_passphrase(store: ProgressStore, profile_id: int) -> None:
    ss = st.session_state
    secret = ss.get("profile_set_passphrase") or ""
    ss["profile_set_passphrase"] = ""
    if problem := passphrase_problem(secret):
        ss["profile_error"] = t("quiz.profile.bad_passphrase", problem=problem)
        return
    try:
        store.set_setting(profile_id, PASSPHRASE_SETTING, hash_passphrase(secret))
    except SQLAlchemyError as exc:
        ss["profile_error"] = store_unavailable(exc)
        return
    ss["profile_notice"] = t("quiz.profile.passphrase_saved")


def profile_picker() -> None:
    """Sidebar: who is studying (each profile has its own progress) and the store's health."""
    ss = st.session_state
    store = get_store()
    try:
        if store.status.writable and not store.profiles() and not shared_deployment():
            store.ensure_profile(DEFAULT_PROFILE)
        names = [p.name for p in store.profiles()]
        active = active_learner(store)
    except SQLAlchemyError as exc:  # unreachable database: pages without progress keep working
        st.warning(store_unavailable(exc), icon=":material/cloud_off:")
        return
    if active is not None:
        open_learner(active.name)  # also restores the learner named in the URL after a reload
    elif (wanted := st.query_params.get(URL_PARAM)) in names and not ss.get(PENDING):
        ss[PENDING] = wanted  # a reload of a learner with a passphrase: ask for it
    shown = ss.get(PENDING) or (active.name if active else None)
    ss[PROFILE_KEY] = shown if shown in names else None
    st.selectbox(
        t("quiz.profile.label"),
        names,
        key=PROFILE_KEY,
        index=None,
        placeholder=t("quiz.profile.choose"),
        on_change=_pick_profile,
        args=(store,),
    )
    if ss.get(PENDING):
        st.text_input(
            t("quiz.profile.passphrase"),
            key="profile_passphrase",
            type="password",
            max_chars=MAX_CHARS,
        )
        st.button(t("quiz.profile.unlock"), key="profile_unlock", on_click=_unlock, args=(store,))
    if store.status.writable:
        with st.popover(t("quiz.profile.new"), icon=":material/person_add:"):
            st.text_input(t("quiz.profile.new_name"), key="profile_new_name", max_chars=80)
            st.text_input(
                t("quiz.profile.new_passphrase"),
                key="profile_new_passphrase",
                type="password",
                max_chars=MAX_CHARS,
                help=t("quiz.profile.passphrase_help"),
            )
            st.button(
                t("quiz.profile.create"),
                key="profile_create",
                on_click=_create_profile,
                args=(store,),
            )
        if active is not None:
            with st.popover(t("quiz.profile.set_passphrase"), icon=":material/key:"):
                st.text_input(
                    t("quiz.profile.new_passphrase"),
                    key="profile_set_passphrase",
                    type="password",
                    max_chars=MAX_CHARS,
                )
                st.button(
                    t("quiz.profile.save_passphrase"),
                    key="profile_save_passphrase",
                    on_click=_set_passphrase,
                    args=(store, active.id),
                )
    if error := ss.pop("profile_error", None):
        st.error(error)
    if notice := ss.pop("profile_notice", None):
        st.success(notice)
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
