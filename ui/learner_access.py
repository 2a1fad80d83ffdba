"""Who may open which learner: the chosen learner in the URL, passphrases, the admin.

A learner with a passphrase (or every learner on a shared deployment, ``LORA_LAB_SHARED=1``) is
opened only after the passphrase, or the admin's (``LORA_LAB_ADMIN_PASSPHRASE_HASH``), was given
in this browser session; until then no page shows, grades or imports their progress. The open
learner is kept in the URL (``?learner=``) so a reload returns to them instead of "default".
Wrong passphrases are limited per learner and per browser session (`studykit.unlock_attempts`).
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime

import streamlit as st
from sqlalchemy import Engine

from studykit.deployment import admin_passphrase_hash, shared_deployment
from studykit.passphrase import verify_passphrase
from studykit.store import Profile, ProgressStore
from studykit.unlock_attempts import AttemptRecord, LearnerAttempts, after_failure, wait_left_s
from ui.core import t
from ui.learner_switch import clear_learner_state

ACTIVE_PROFILE = "active_profile"  # a plain key that survives page switches and widget cleanup
UNLOCKED = "unlocked_learners"
PASSPHRASE_SETTING = "passphrase_hash"
URL_PARAM = "learner"
SESSION_ATTEMPTS = "passphrase_attempts"  # this browser session's wrong passphrases (any learner)
# one per progress database and process: the memory fallback must outlive a script run
_LEARNER_ATTEMPTS: weakref.WeakKeyDictionary[Engine, LearnerAttempts] = weakref.WeakKeyDictionary()
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


@dataclass(frozen=True)
class UnlockOutcome:
    """An unlock attempt: opened, or not; `wait_s` > 0 when attempts are refused for that long."""

    opened: bool
    wait_s: float = 0.0

    def __bool__(self) -> bool:
        return self.opened

    def message(self) -> str:
        """Why the learner did not open, in the page's language."""
        if self.wait_s <= 0:
            return t("quiz.profile.wrong_passphrase")
        seconds = math.ceil(self.wait_s)
        wait = (
            t("quiz.profile.wait_seconds", n=seconds)
            if seconds < 120
            else t("quiz.profile.wait_minutes", n=math.ceil(seconds / 60))
        )
        return t("quiz.profile.too_many_attempts", wait=wait)


def learner_attempts(store: ProgressStore) -> LearnerAttempts:
    """The wrong-passphrase counts for `store`'s learners (shared by processes when possible)."""
    attempts = _LEARNER_ATTEMPTS.get(store.engine)
    if attempts is None:
        attempts = _LEARNER_ATTEMPTS[store.engine] = LearnerAttempts(
            store.engine, store.status.writable
        )
    return attempts


def unlock(store: ProgressStore, profile: Profile, passphrase: str) -> UnlockOutcome:
    """Check the learner's (or the admin's) passphrase; on success remember it for the session.

    Refused without a check while this learner, or this session, has had too many wrong ones.
    """
    now = datetime.now(UTC)
    attempts = learner_attempts(store)
    session: AttemptRecord = st.session_state.get(SESSION_ATTEMPTS, AttemptRecord())
    wait = max(wait_left_s(session, now), wait_left_s(attempts.record(profile.id), now))
    if wait > 0:
        return UnlockOutcome(False, wait)
    ok = verify_passphrase(passphrase_hash(store, profile), passphrase) or verify_passphrase(
        admin_passphrase_hash(), passphrase
    )
    if ok:
        attempts.succeeded(profile.id)
        st.session_state.setdefault(UNLOCKED, set()).add(profile.name)
        return UnlockOutcome(True)
    # the session's count is not reset by a success: it limits guesses spread over learners
    session = st.session_state[SESSION_ATTEMPTS] = after_failure(session, now)
    learner = attempts.failed(profile.id, now)
    return UnlockOutcome(False, max(wait_left_s(session, now), wait_left_s(learner, now)))


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
