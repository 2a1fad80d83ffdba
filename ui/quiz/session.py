"""Who is studying what: the progress store, the clock and time zone, the active profile."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from studykit.bank import Bank
from studykit.deployment import shared_deployment
from studykit.progress_location import database_url
from studykit.schema import Question
from studykit.store import DEFAULT_PROFILE, ProgressStore, database_error_line, open_store
from ui.core import current_lang, t
from ui.learner_access import active_learner
from ui.plain_text import public_text


@st.cache_resource(show_spinner=False)
def _store_for(url: str) -> ProgressStore:
    return open_store(url)


def get_store() -> ProgressStore:
    """The progress store of this server process (one per database URL)."""
    return _store_for(database_url())


def store_unavailable(exc: Exception) -> str:
    """A one-line reason for a progress-database error (no SQL, no traceback)."""
    return t("quiz.store.read_only", detail=public_text(database_error_line(exc), 200))


@contextmanager
def database_guard() -> Iterator[None]:
    """End this page run with the clear message when the database fails anywhere in the block.

    `open_session` catches a database that is down when the page opens; this catches one that
    goes away between two queries of the same run (what a learner saw so far stays on screen).
    """
    try:
        yield
    except SQLAlchemyError as exc:
        st.error(store_unavailable(exc), icon=":material/cloud_off:")


def now_utc() -> datetime:
    return datetime.now(UTC)


def local_tz() -> tzinfo:
    """The browser's time zone (days, streaks and "today" follow the learner's clock), else UTC."""
    name = getattr(st.context, "timezone", None)
    try:
        return ZoneInfo(name) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def current_profile(store: ProgressStore) -> tuple[int, str] | None:
    """(profile id, name) of the open learner; None when no learner may be opened yet.

    On one learner's machine a first run creates "default"; a read-only, empty store gives id 0.
    """
    profile = active_learner(store)
    if profile is None and not shared_deployment():
        if not store.status.writable:
            return 0, DEFAULT_PROFILE
        if store.get_profile(DEFAULT_PROFILE) is None:
            profile = store.ensure_profile(DEFAULT_PROFILE)
    return (profile.id, profile.name) if profile else None


@dataclass(frozen=True)
class StudySession:
    """What one run of the quiz or stats page works on: the bank, the store and the profile."""

    bank: Bank
    store: ProgressStore
    profile_id: int
    profile_name: str
    lang: str
    by_id: dict[str, Question]
    titles: dict[str, str]  # source document -> its title in `lang`


def open_session(bank: Bank) -> StudySession:
    """The session of this run (the page passes the bank it loaded)."""
    lang = current_lang()
    store = get_store()
    try:
        current = current_profile(store)
    except SQLAlchemyError as exc:  # the database went away: say so instead of a traceback
        st.error(store_unavailable(exc), icon=":material/cloud_off:")
        st.stop()
    if current is None:  # nobody unlocked yet: no learner's progress is shown or written
        st.info(t("quiz.profile.choose_first"), icon=":material/lock:")
        st.stop()
    profile_id, profile_name = current
    titles = {f.document: f.title.get(lang) for f in bank.files}
    return StudySession(bank, store, profile_id, profile_name, lang, bank.by_id(), titles)
