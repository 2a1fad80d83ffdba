"""A profile's progress: its review log replayed into FSRS cards (cached), and its retention goal."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from fsrs import Scheduler

from studykit.bank import Bank
from studykit.schedule import DEFAULT_RETENTION, Replay, make_scheduler, replay
from studykit.store import ProgressStore, Review
from ui.core import t
from ui.plain_text import md_text


def retention_of(store: ProgressStore, profile_id: int) -> float:
    try:
        return float(store.get_setting(profile_id, "desired_retention") or DEFAULT_RETENTION)
    except ValueError:
        return DEFAULT_RETENTION


@dataclass(frozen=True)
class Progress:
    """A profile's log and its replay against the current bank."""

    reviews: list[Review]
    replay: Replay
    scheduler: Scheduler


@st.cache_resource(max_entries=16, show_spinner=False)
def _progress_cached(
    url: str,
    profile_id: int,
    version: tuple[int, int],
    retention: float,
    bank_key: int,
    _store: ProgressStore,
    _known: frozenset[str],
) -> Progress:
    reviews = _store.reviews(profile_id)
    scheduler = make_scheduler(retention)
    return Progress(reviews, replay(reviews, scheduler, _known), scheduler)


def load_progress(store: ProgressStore, profile_id: int, bank: Bank) -> Progress:
    """Log + replay, recomputed only when the log (or retention, or bank) changed."""
    known = frozenset(q.id for q in bank.questions)
    return _progress_cached(
        str(store.engine.url),
        profile_id,
        store.log_version(profile_id),
        retention_of(store, profile_id),
        hash(known),
        store,
        known,
    )


def unknown_ids_notice(progress: Progress) -> None:
    if progress.replay.unknown:
        ids = ", ".join(f"`{qid}`" for qid in sorted(progress.replay.unknown))
        st.caption(t("quiz.unknown_ids", n=len(progress.replay.unknown), ids=ids))


def bad_rows_notice(progress: Progress, shown: int = 5) -> None:
    """Rows the replay had to skip (e.g. a review dated 9999-12-31): kept, named, never fatal."""
    bad = progress.replay.bad
    if not bad:
        return
    rows = "; ".join(
        f"{md_text(row.card_key, 80)} @ {md_text(row.reviewed_at, 40)} ({md_text(row.reason, 80)})"
        for row in bad[:shown]
    )
    more = len(bad) - shown
    st.warning(
        t("quiz.bad_rows", n=len(bad), rows=rows + (f"; … +{more}" if more > 0 else "")),
        icon=":material/report:",
    )
