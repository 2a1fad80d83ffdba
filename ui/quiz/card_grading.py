"""Grading a revealed card: key-point feedback, the Again/Hard/Good/Easy buttons and their callback."""

from __future__ import annotations

import time

import streamlit as st
from fsrs import Card, Scheduler

from studykit.bank_markdown import key_point_markdown
from studykit.grading import GradeResult
from studykit.intervals import format_interval
from studykit.review_record import graded_review
from studykit.schedule import preview_intervals
from studykit.schema import KeyPoint
from studykit.store import ProgressStore
from ui.core import current_lang, t
from ui.quiz.card_context import CardContext
from ui.quiz.grade_writer import write_grade
from ui.quiz.point_feedback import point_feedback
from ui.quiz.session import now_utc
from ui.quiz.undo import remember_grade

RATINGS = (1, 2, 3, 4)
RATING_NAMES = {1: "again", 2: "hard", 3: "good", 4: "easy"}


def _grade(ctx: CardContext, rating: int, store: ProgressStore | None) -> None:
    """Write the grade (if this mode records), then move on. Runs before the rerun."""
    result: GradeResult | None = st.session_state.get(ctx.state_key("grade"))
    shown = st.session_state.get(ctx.state_key("shown"), time.time())
    review = graded_review(
        ctx.question_id,
        ctx.follow_up,
        rating=rating,
        mode=ctx.mode,
        reviewed_at=now_utc(),
        duration_ms=int(max(time.time() - shown, 0) * 1000),
        result=result,
    )
    written = write_grade(store, ctx.profile_id, review, ctx.state_prefix)
    if not written.saved:
        return
    if store is not None:
        st.session_state[f"{ctx.state_prefix}_saved"] = t(
            "quiz.saved", rating=t(f"quiz.rating.{RATING_NAMES[rating]}")
        )
    remember_grade(ctx, written.review_id, st.session_state.get(ctx.state_key("typed"), "") or "")
    for name in ("answer", "typed", "grade", "revealed", "shown"):
        st.session_state.pop(ctx.state_key(name), None)
    st.session_state[f"{ctx.state_prefix}_graded"] = ctx  # the mode decides what comes next


def feedback(result: GradeResult | None, key_points: list[KeyPoint], lang: str) -> None:
    """Per-key-point feedback on the typed answer, or the plain key points when nothing was typed."""
    if not key_points:
        return
    st.markdown(f"**{t('quiz.key_points')}**")
    if result is None or not result.answered:
        for point in key_points:
            st.markdown(f"- {key_point_markdown(point.text.get(lang))}")
        return
    st.metric(t("quiz.coverage"), f"{result.coverage:.0%}")
    point_feedback(result, key_points, lang)


def rating_buttons(
    ctx: CardContext,
    result: GradeResult | None,
    store: ProgressStore | None,
    scheduler: Scheduler | None,
    card: Card | None,
) -> None:
    lang = current_lang()
    proposed = result.proposed if result else None
    if proposed:
        st.caption(t("quiz.proposed", rating=t(f"quiz.rating.{RATING_NAMES[proposed]}")))
    intervals = preview_intervals(card, ctx.key, scheduler, now_utc()) if scheduler else {}
    disabled = store is not None and not store.status.writable
    cols = st.columns(4)
    for rating, col in zip(RATINGS, cols, strict=True):
        label = t(f"quiz.rating.{RATING_NAMES[rating]}")
        if rating in intervals:
            label = f"{label} · {format_interval(intervals[rating], lang)}"
        col.button(
            label,
            key=f"{ctx.state_prefix}_rate_{rating}",
            shortcut=str(rating),
            type="primary" if rating == proposed else "secondary",
            width="stretch",
            on_click=_grade,
            args=(ctx, rating, store),
            disabled=disabled,
        )
