"""Daily review: today's FSRS queue (due cards, then up to NEW_PER_DAY new ones), with undo.

Follow-ups are cards of their own: due ones come in the queue (shown under their parent's prompt),
new ones once their parent is learned; the drill after a grade asks only follow-ups that are new
(within the day's new cards) or due, so a follow-up is never reviewed off its schedule.
"""

from __future__ import annotations

import streamlit as st

from studykit.cards import split_card_key
from studykit.follow_up_rules import drill_may_ask
from studykit.intervals import format_interval
from studykit.schedule import (
    MAX_RETENTION,
    MIN_RETENTION,
    build_queue,
    front_first,
    new_seen_on,
    next_due,
)
from studykit.stats import reviews_on
from studykit.study_modes import REVIEW
from ui.core import t
from ui.quiz.card_context import CardContext
from ui.quiz.filters import question_filters
from ui.quiz.follow_ups import after_grade, next_follow_up, skip_follow_ups
from ui.quiz.grade_writer import grade_messages, save_failed
from ui.quiz.progress import (
    Progress,
    bad_rows_notice,
    load_progress,
    retention_of,
    unknown_ids_notice,
)
from ui.quiz.session import StudySession, local_tz, now_utc
from ui.quiz.study_card import study_card
from ui.quiz.undo import can_undo, undo_button, undo_last_grade

NEW_PER_DAY = 20


def _undo(session: StudySession) -> None:
    """This session's last grade exactly (card, typed answer, drill); after a reload, the log's
    last review row (its card comes back first)."""
    try:
        if undo_last_grade("review", session.store):
            return
        undone = session.store.undo_last(session.profile_id)
    except Exception as exc:
        st.session_state["review_error"] = save_failed(exc)
        return
    if undone is None:
        return
    qid, follow_up = split_card_key(undone.card_key)  # a follow-up comes back as the drill's head
    st.session_state["review_followups"] = [] if follow_up is None else [(qid, follow_up)]
    st.session_state["review_front"] = undone.card_key
    st.session_state["review_saved"] = t("quiz.undone")


def _save_retention(session: StudySession, key: str) -> None:
    session.store.set_setting(
        session.profile_id, "desired_retention", f"{st.session_state[key]:.2f}"
    )


def _review_options(session: StudySession) -> None:
    """The desired-retention slider (saved per profile) and the follow-up drill switch."""
    with st.expander(t("quiz.review_options"), icon=":material/tune:"):
        key = f"quiz_retention_{session.profile_id}"
        st.slider(
            t("quiz.retention"),
            MIN_RETENTION,
            MAX_RETENTION,
            value=retention_of(session.store, session.profile_id),
            step=0.01,
            key=key,
            on_change=_save_retention,
            args=(session, key),
            disabled=not session.store.status.writable,
            help=t("quiz.retention_help"),
        )
        st.toggle(t("quiz.drill_followups"), value=True, key="review_drill")


def daily_review(session: StudySession) -> None:
    """Metrics, filters, settings, undo, then the next follow-up or the next card of the queue."""
    store, profile_id, by_id = session.store, session.profile_id, session.by_id
    graded = after_grade("review", st.session_state.get("review_drill", True), by_id)
    if graded is not None and graded.key == st.session_state.get("review_front"):
        del st.session_state["review_front"]  # the card undo brought back is graded again
    progress = load_progress(store, profile_id, session.bank)
    questions = question_filters(session)
    now, tz = now_utc(), local_tz()
    cards = progress.replay.cards
    new_left = max(NEW_PER_DAY - new_seen_on(progress.replay.history, now, tz), 0)
    queue = build_queue(questions, cards, now, new_left)
    cols = st.columns(3)
    cols[0].metric(t("quiz.metric.due"), len(queue.due))
    cols[1].metric(t("quiz.metric.new"), len(queue.new))
    cols[2].metric(
        t("quiz.metric.today"), reviews_on(progress.reviews, now.astimezone(tz).date(), tz)
    )
    unknown_ids_notice(progress)
    bad_rows_notice(progress)
    _review_options(session)
    grade_messages("review")
    last = store.last_review(profile_id)
    undoable = can_undo("review", profile_id) or (last is not None and last.mode == REVIEW)
    if undoable and store.status.writable:
        undo_button("review", _undo, session)
    front = st.session_state.get("review_front")
    step = next_follow_up(
        "review",
        by_id,
        lambda key: key == front or drill_may_ask(key, cards, now, new_left),
    )
    if step is not None:
        st.button(
            t("quiz.skip_followups"),
            key="review_skip_fu",
            on_click=skip_follow_ups,
            args=("review",),
            type="tertiary",
        )
        _card(session, progress, *step)
        return
    keys = front_first(queue.keys, front)
    if not keys:
        st.success(t("quiz.all_done"), icon=":material/celebration:")
        if (due := next_due(cards, questions)) is not None:
            st.caption(t("quiz.next_due", when=format_interval(due - now, session.lang)))
        return
    _card(session, progress, *split_card_key(keys[0]))


def _card(session: StudySession, progress: Progress, qid: str, follow_up: int | None) -> None:
    ctx = CardContext(qid, follow_up, REVIEW, session.profile_id, "review")
    study_card(
        session.by_id[qid],
        ctx,
        session.titles,
        store=session.store,
        scheduler=progress.scheduler,
        card=progress.replay.cards.get(ctx.key),
    )
