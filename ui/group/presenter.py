"""The presenter running a group room: open questions, the live tallies, reveal, then the summary.

Picking questions and creating the room is in room_setup.py; the summary in room_summary.py.

The presenter token is in this tab's URL (`?room=…&token=…`): a closed tab reopened from history or
a bookmark controls the room again, on any app process. The live panel is a fragment that reruns on
a timer and reads two small aggregate queries; the rest of the page reruns only on a click.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from studykit.rooms import RoomError, RoomState
from studykit.rooms.tally import STATUSES
from studykit.schema import Question
from ui.core import current_lang, get_bank, t
from ui.group.common import (
    PRESENTER_ERROR,
    PROJECTOR_PARAM,
    get_rooms,
    is_projector,
    join_link,
    qr_png,
    question_text,
    refresh_s,
    show_room_error,
)
from ui.group.room_summary import room_summary
from ui.group.tally_chart import tally_chart
from ui.question_view import render_answer, render_lab_link
from ui.quiz.session import store_unavailable


def presenter_view(code: str, token: str | None) -> None:
    rooms = get_rooms()
    try:
        room = rooms.presenter_room(code, token)
    except RoomError as exc:
        show_room_error(exc)
        st.button(t("group.start_over"), key="group_start_over", on_click=_start_over)
        return
    bank, lang = get_bank(), current_lang()
    expired = datetime.now(UTC) >= room.expires_at
    question = bank.by_id().get(room.current_question_id or "")
    # Everything above the live panel sits in one container: a fragment's id comes from its position
    # on the page, and a panel that moved (an error shown, a question with a Lab link) left the
    # browser polling the old id as well, a second timer per presenter that the server refuses.
    with st.container():
        if error := st.session_state.pop(PRESENTER_ERROR, None):
            st.error(error, icon=":material/error:")
        _header(room)
        if expired:
            st.warning(t("group.error.expired"), icon=":material/timer_off:")
        else:
            _controls(room, token or "")
            if room.current >= 0:
                _current_question(room, question, lang)
    if not expired and room.current >= 0:
        n_points = len(question.answer.key_points) if question else 0
        st.fragment(run_every=refresh_s())(_live_panel)(room.code, token or "", n_points)
        if room.revealed and question is not None:
            render_answer(bank, question)
    if not is_projector() or expired:
        room_summary(room, bank, token or "")


def _start_over() -> None:
    for key in ("room", "token"):
        st.query_params.pop(key, None)


def _header(room: RoomState) -> None:
    link = join_link(room.code)
    if is_projector():  # one row: code, link, QR: the question and tallies fit under it at 720 px
        code_col, link_col, qr_col = st.columns([2, 3, 1], vertical_alignment="center")
    else:
        code_col, qr_col = st.columns([3, 1], vertical_alignment="center")
        link_col = code_col
    with code_col, st.container(key="group_code"):
        st.metric(t("group.code"), room.code)  # from the code alphabet: letters and digits only
    with link_col:
        st.caption(t("group.join_at"))
        st.text(link)
        if not is_projector():
            st.caption(t("group.bookmark"))
    with qr_col:
        st.image(qr_png(link), caption=t("group.scan"), width=130 if is_projector() else 220)


def _controls(room: RoomState, token: str) -> None:
    last = len(room.question_ids) - 1
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.number_input(
            t("group.timer"), min_value=0, max_value=3600, step=15, key="group_timer", width=160
        )
        label = t("group.open_first") if room.current < 0 else t("group.open_next")
        st.button(
            label,
            key="group_open_next",
            type="primary",
            icon=":material/skip_next:",
            disabled=room.current >= last,
            on_click=_open_next,
            args=(room.code, token, room.current + 1),
        )
        st.button(
            t("group.reveal"),
            key="group_reveal",
            icon=":material/visibility:",
            disabled=room.current < 0 or room.revealed,
            on_click=_reveal,
            args=(room.code, token),
        )
        st.toggle(
            t("group.projector"),
            key="group_projector",
            value=is_projector(),
            on_change=_toggle_projector,
        )


def _open_next(code: str, token: str, index: int) -> None:
    """Open question `index`, the one after what this tab showed, unless the room is already there.

    A click that Streamlit delivers twice (its trigger replayed into a rerun that preempted the
    first) or a stale second tab must not skip a question: the 30-learner load run found the room
    at question 3 after one click on "next" from question 1 (issue 16).
    """
    rooms = get_rooms()
    try:
        room = rooms.presenter_room(code, token)  # read now: another tab may have moved on
        if room.current >= index:
            return
        timer = int(st.session_state.get("group_timer") or 0)
        rooms.open_question(code, token, index, timer or None)
    except RoomError as exc:
        st.session_state[PRESENTER_ERROR] = t(f"group.error.{exc.reason}")
    except SQLAlchemyError as exc:
        st.session_state[PRESENTER_ERROR] = store_unavailable(exc)


def _reveal(code: str, token: str) -> None:
    try:
        get_rooms().reveal(code, token)
    except RoomError as exc:
        st.session_state[PRESENTER_ERROR] = t(f"group.error.{exc.reason}")
    except SQLAlchemyError as exc:
        st.session_state[PRESENTER_ERROR] = store_unavailable(exc)


def _toggle_projector() -> None:
    if st.session_state.get("group_projector"):
        st.query_params[PROJECTOR_PARAM] = "projector"
    else:
        st.query_params.pop(PROJECTOR_PARAM, None)


def _current_question(room: RoomState, question: Question | None, lang: str) -> None:
    st.subheader(t("group.question_n", n=room.current + 1, total=len(room.question_ids)))
    if is_projector():
        st.header(question_text(question, lang), anchor=False)
    else:
        st.markdown(f"### {question_text(question, lang)}")
    if question is not None:
        render_lab_link(question)


def _live_panel(code: str, token: str, n_points: int) -> None:
    """Counts, per key point tallies, the most common misconception, anonymous examples."""
    rooms = get_rooms()
    try:
        room = rooms.presenter_room(code, token)
        view = rooms.live(room, n_points)
    except (RoomError, SQLAlchemyError):
        return  # the next full run says what is wrong
    lang = current_lang()
    question = get_bank().by_id().get(room.current_question_id or "")
    top = st.columns([1, 1, 2])
    with top[0], st.container(key="group_counts"):
        st.metric(t("group.answered"), f"{view.answered}/{view.joined}")
    top[1].metric(t("group.skipped"), view.skipped)
    if room.deadline and not room.revealed:
        left = int((room.deadline - datetime.now(UTC)).total_seconds())
        top[2].metric(t("group.time_left_label"), f"{max(left, 0)} s")
    if question is not None and view.points:
        rows = [
            {
                t("group.key_point"): question.answer.key_points[p.index].text.get(lang),
                **{t(f"group.status.{s}"): p.counts[s] for s in STATUSES},
            }
            for p in view.points
        ]
        if is_projector():
            labels = [question.answer.key_points[p.index].text.get(lang) for p in view.points]
            tally_chart(view.points, labels)
        else:
            with st.container(key="group_tallies"):
                st.table(pd.DataFrame(rows).set_index(t("group.key_point")))
    if view.top_misconception:
        name, count = view.top_misconception
        st.markdown(f"**{t('group.top_misconception', n=count)}**")
        st.text(name.get(lang) or name["zh"])
    if view.examples:
        st.markdown(f"**{t('group.examples')}**")
        for example in view.examples:
            with st.container(border=True):
                st.text(example)  # anonymous, and as text: never Markdown or HTML
