"""Who may open which learner: the chosen learner in the URL, passphrases, the admin.

A learner with a passphrase (or every learner on a shared deployment, ``LORA_LAB_SHARED=1``) is
opened only after the passphrase, or the admin's (``LORA_LAB_ADMIN_PASSPHRASE_HASH``), was given
in this browser session; until then no page shows, grades or imports their progress. The open
learner is kept in the URL (``?learner=``) so a reload returns to them instead of "default".
"""

from __future__ import annotations

import streamlit as st

from studykit.deployment import admin_passphrase_hash, shared_deployment
from studykit.passphrase import verify_passphrase
from studykit.store import Profile, ProgressStore
from ui.learner_switch import clear_learner_state

ACTIVE_PROFILE = "active_profile"  # a plain key that survives page switches and widget cleanup
UNLOCKED = "unlocked_learners"
PASSPHRASE_SETTING = "passphrase_hash"
URL_PARAM = "learner"
# session-state of one learner's study: cleared when the learner changes
PER_LEARNER_PREFIXES = ("review_", "cram_", "mock", "stats_", "quiz_mock")


def passphrase_hash(store: ProgressStore, profile: Profile) -> str | None:
    return store.get_setting(profile.id, PASSPHRASE_SETTING)


def needs_passphrase(store: ProgressStore, profile: Profile) -> bool:
    """True when this learner is opened only with a passphrase."""
    return shared_deployment() or passphrase_hash(store, profile) is not None


def may_open(store: ProgressStore, profile: Profile) -> bool:
    """True when this browser session may see and grade this learner now."""
    return profile.name in st.session_state.get(UNLOCKED, set()) or not needs_passphrase(
        store, profile
    )


def unlock(store: ProgressStore, profile: Profile, passphrase: str) -> bool:
    """Check the learner's (or the admin's) passphrase; on success remember it for the session."""
    ok = verify_passphrase(passphrase_hash(store, profile), passphrase) or verify_passphrase(
        admin_passphrase_hash(), passphrase
    )
    if ok:
        st.session_state.setdefault(UNLOCKED, set()).add(profile.name)
    return ok


def open_learner(name: str) -> None:
    """Make `name` the open learner (the caller checked `may_open`); clear the last one's state."""
    if st.session_state.get(ACTIVE_PROFILE) != name:
        clear_learner_state()  # follow-up queue, undo steps, cram position, a running mock interview
        for key in list(st.session_state.keys()):
            if isinstance(key, str) and key.startswith(PER_LEARNER_PREFIXES):
                del st.session_state[key]
    st.session_state[ACTIVE_PROFILE] = name
    st.query_params[URL_PARAM] = name


def active_learner(store: ProgressStore) -> Profile | None:
    """The learner this session works on, or None when none may be opened yet.

    The session's choice, else the one named in the URL (a reload), else (one learner's own
    machine) the first learner that needs no passphrase.
    """
    for name in (st.session_state.get(ACTIVE_PROFILE), st.query_params.get(URL_PARAM)):
        if not name or (profile := store.get_profile(name)) is None:
            continue
        if may_open(store, profile):
            return profile
        if name == st.query_params.get(URL_PARAM) and ACTIVE_PROFILE not in st.session_state:
            return None  # a reload of a locked learner: ask for the passphrase, show no one else
    if shared_deployment():
        return None
    return next((p for p in store.profiles() if not needs_passphrase(store, p)), None)
