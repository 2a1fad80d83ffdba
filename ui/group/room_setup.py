"""Before a group room exists: the presenter picks its questions and creates it.

Questions come from one document, one tag, or the weak questions of a past room.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from studykit.bank import Bank
from studykit.rooms import RoomError
from studykit.rooms.records import MAX_QUESTIONS
from studykit.rooms.tally import weak_question_ids
from studykit.tags import tag_label
from ui.core import current_lang, get_bank, t
from ui.group.common import (
    PRESENTER_ERROR,
    get_rooms,
    question_text,
    short_line,
    show_room_error,
)
from ui.question_view import document_title
from ui.quiz.session import store_unavailable


def presenter_setup() -> None:
    bank, lang = get_bank(), current_lang()
    if not bank.questions:
        st.info(t("group.empty_bank"), icon=":material/inbox:")
        return
    how = st.segmented_control(
        t("group.pick.label"),
        ["document", "tag", "weak"],
        format_func={k: t(f"group.pick.{k}") for k in ("document", "tag", "weak")}.__getitem__,
        key="group_pick",
        default="document",
        required=True,
    )
    candidates = _candidates(bank, how, lang)
    if candidates is None:
        return
    by_id = bank.by_id()
    picked_key = f"group_questions_{how}_{abs(hash(tuple(candidates))) % 10**8}"
    st.multiselect(
        t("group.pick.questions"),
        candidates,
        default=candidates[: min(5, len(candidates))],
        format_func=lambda qid: short_line(question_text(by_id.get(qid), lang)),
        key=picked_key,
        max_selections=MAX_QUESTIONS,
    )
    if error := st.session_state.pop(PRESENTER_ERROR, None):
        st.error(error, icon=":material/error:")
    st.button(
        t("group.create"),
        key="group_create",
        type="primary",
        icon=":material/meeting_room:",
        on_click=_create,
        args=(picked_key,),
    )


def _candidates(bank: Bank, how: str, lang: str) -> list[str] | None:
    if how == "document":
        documents = [f.document for f in bank.files]
        doc = st.selectbox(
            t("group.pick.document"),
            documents,
            format_func=lambda d: document_title(bank, d, lang),
            key="group_pick_doc",
        )
        return [q.id for q in bank.questions if q.source.document == doc]
    if how == "tag":
        tags = sorted({tag for q in bank.questions for tag in q.tags})
        tag = st.selectbox(
            t("group.pick.tag_label"),
            tags,
            format_func=lambda x: tag_label(x, lang),
            key="group_pick_tag",
        )
        return [q.id for q in bank.questions if tag in q.tags]
    st.text_input(t("group.pick.previous"), key="group_pick_prev", max_chars=16)
    previous = st.session_state.get("group_pick_prev", "")
    if not previous.strip():
        st.caption(t("group.pick.previous_help"))
        return None
    rooms = get_rooms()
    try:
        room = rooms.room(previous)
        weak = weak_question_ids(room.question_ids, rooms.answers(room))
    except RoomError as exc:
        show_room_error(exc)
        return None
    known = bank.by_id()
    weak = [qid for qid in weak if qid in known]
    if not weak:
        st.info(t("group.pick.none_weak"), icon=":material/celebration:")
        return None
    return weak


def _create(picked_key: str) -> None:
    picked = list(st.session_state.get(picked_key) or [])
    if not picked:
        st.session_state[PRESENTER_ERROR] = t("group.error.bad_questions")
        return
    try:
        room, token = get_rooms().create_room(picked)
    except RoomError as exc:
        st.session_state[PRESENTER_ERROR] = t(f"group.error.{exc.reason}")
        return
    except SQLAlchemyError as exc:
        st.session_state[PRESENTER_ERROR] = store_unavailable(exc)
        return
    st.query_params["room"] = room.code
    st.query_params["token"] = token
