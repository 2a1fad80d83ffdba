"""What a learner sees of their own answers: "your answer is in", key-point feedback, answers kept."""

from __future__ import annotations

import streamlit as st

from studykit.bank_markdown import key_point_markdown
from studykit.rooms import Member, RoomState
from studykit.rooms.tally import AnswerRecord
from studykit.schema import Question
from ui.core import t
from ui.group.common import get_rooms
from ui.quiz.point_feedback import STATUS_ICONS


def my_answer(mine: AnswerRecord) -> None:
    """The learner's own answer (or that they skipped), as text."""
    if mine.skipped:
        st.info(t("group.you_skipped"), icon=":material/skip_next:")
        return
    st.success(t("group.answer_in"), icon=":material/check:")
    with st.container(border=True):
        st.text(mine.answer)  # the learner's own words, as text


def feedback(mine: AnswerRecord, question: Question, lang: str) -> None:
    """Per key point: covered, partial, missed or contradicted; the misconception if one matched.

    The points are one Markdown element: this is redrawn on every poll after the reveal.
    """
    lines = [
        f"{STATUS_ICONS[status]} {key_point_markdown(point.text.get(lang))} · {t(f'group.status.{status}')}"
        for point, status in zip(question.answer.key_points, _statuses(mine, question), strict=True)
    ]
    st.markdown(f"#### {t('group.your_feedback')}\n\n" + "  \n".join(lines))
    st.metric(t("group.coverage"), f"{(mine.coverage or 0):.0%}")
    if mine.misconception:
        st.warning(t("group.misconception_you"), icon=":material/report:")
        st.text(mine.misconception.get(lang) or mine.misconception["zh"])


def _statuses(mine: AnswerRecord, question: Question) -> list[str]:
    n = len(question.answer.key_points)
    return [mine.statuses[i] if i < len(mine.statuses) else "missed" for i in range(n)]


def my_answers(room: RoomState, member: Member) -> None:
    """After the room ended: the learner's own answers, kept."""
    mine = [a for a in get_rooms().answers(room) if a.member_name == member.name]
    for record in mine:
        st.caption(t("group.question_n", n=record.question_index + 1, total=len(room.question_ids)))
        my_answer(record)
