"""The mock interview's report: time, key points covered, a per-step table and the weakest topics."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studykit.bank_markdown import plain_text
from studykit.cards import card_parts
from studykit.grading import GradeResult
from studykit.mock import MockAnswer, format_mmss, mock_report
from studykit.tags import tag_label
from ui.core import t
from ui.question_view import render_bank_markdown, render_key_points
from ui.quiz.point_feedback import point_feedback
from ui.quiz.session import StudySession


def _reset_mock() -> None:
    st.session_state.pop("mock", None)


def _answer_row(
    answer: MockAnswer, result: GradeResult | None, session: StudySession
) -> dict[str, object]:
    prompt = card_parts(session.by_id[answer.question_id], answer.follow_up, session.lang)[0]
    return {
        t("quiz.mock.col_question"): plain_text(prompt)[:60],
        t("quiz.mock.col_kind"): t("quiz.mock.main")
        if answer.follow_up is None
        else t("quiz.mock.followup", n=answer.follow_up),
        t("quiz.mock.col_time"): format_mmss(answer.seconds),
        t("quiz.mock.col_points"): f"{answer.covered} / {answer.total}",
        t("quiz.mock.col_coverage"): t("common.none")
        if answer.coverage is None
        else round(answer.coverage * 100),
        t("quiz.feedback.col_contradicted"): len(result.contradicted) if result else 0,
    }


def _step_details(
    number: int, answer: MockAnswer, result: GradeResult | None, session: StudySession
) -> None:
    """One expander per step: the learner's words, each key point's verdict (or the missed ones), the reference."""
    question = session.by_id[answer.question_id]
    prompt, full, key_points = card_parts(question, answer.follow_up, session.lang)
    step = (
        t("quiz.feedback.step_main")
        if answer.follow_up is None
        else t("quiz.feedback.step_follow_up", n=answer.follow_up)
    )
    flag = " · ⚠" if result and result.contradicted else ""
    with st.expander(
        f"{number}. {plain_text(prompt)[:60]} · {step}{flag}", key=f"mock_detail_{number}"
    ):
        st.caption(t("quiz.your_answer"))
        if answer.typed.strip():
            st.text(answer.typed)  # the learner's words: text, never Markdown
        else:
            st.caption(t("quiz.mock.no_answer"))
        if result is not None and result.answered:
            point_feedback(result, key_points, session.lang)
        else:
            missed = [key_points[i] for i in answer.missed if i < len(key_points)]
            if missed:
                st.markdown(f"**{t('quiz.mock.missed_points', n=len(missed))}**")
                render_key_points(missed, session.lang)
        st.markdown(f"**{t('quiz.mock.reference')}**")
        render_bank_markdown(full)


def mock_report_view(state: dict, session: StudySession) -> None:
    """The finished interview in `state` (the session-state dict), and a button to start again."""
    answers: list[MockAnswer] = state["answers"]
    report = mock_report(answers, session.by_id, state["limit"])
    st.subheader(t("quiz.mock.report"))
    cols = st.columns(3)
    cols[0].metric(t("quiz.mock.total_time"), format_mmss(report.total_seconds))
    cols[1].metric(t("quiz.mock.points"), f"{report.points_covered} / {report.points_total}")
    cols[2].metric(
        t("quiz.mock.mean_coverage"),
        "—" if report.mean_coverage is None else f"{report.mean_coverage:.0%}",
    )
    if report.over_time:
        st.warning(t("quiz.mock.over_time"), icon=":material/timer_off:")
    results: list[GradeResult | None] = state.get("results") or [None] * len(answers)
    graded = [
        (a, r) for a, r in zip(answers, results, strict=False) if a.question_id in session.by_id
    ]
    rows = [_answer_row(a, r, session) for a, r in graded]
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, key="mock_table")
        st.markdown(f"**{t('quiz.mock.details')}**")
        for number, (answer, result) in enumerate(graded, start=1):
            _step_details(number, answer, result, session)
    else:
        st.caption(t("quiz.mock.no_answers"))
    if report.weakest_topics:
        st.markdown(f"**{t('quiz.mock.weakest')}**")
        for topic in report.weakest_topics[:3]:
            answers_text = t("quiz.mock.answers", n=topic.answers)
            st.markdown(
                f"- {tag_label(topic.topic, session.lang)}: {topic.coverage:.0%} ({answers_text})"
            )
    st.button(
        t("quiz.mock.again"), key="mock_again", on_click=_reset_mock, icon=":material/replay:"
    )
