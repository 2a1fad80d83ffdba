"""What to work on: the key points most often missed, and the leeches (cards failed again and again)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studykit.bank_markdown import plain_text
from studykit.stats import leech_prompt, weak_point_texts, weakest_points
from studykit.store import Review
from ui.core import t
from ui.quiz.session import StudySession


def weak_points_table(session: StudySession, reviews: list[Review]) -> None:
    st.subheader(t("stats.weak_points"))
    weak = [w for w in weakest_points(reviews, limit=10) if w.question_id in session.by_id]
    if not weak:
        st.caption(t("stats.no_weak_points"))
        return
    rows = [
        {
            t("stats.col_question"): plain_text(question)[:50],
            t("stats.col_point"): plain_text(point),  # a table cell cannot render Markdown
            t("stats.col_missed"): f"{w.missed} / {w.attempts}",
        }
        for question, point, w in weak_point_texts(weak, session.by_id, session.lang)
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="stats_weak")


def leeches_table(session: StudySession, leech_list: list[tuple[str, int]]) -> None:
    st.subheader(t("stats.leech_title"))
    if not leech_list:
        st.caption(t("stats.no_leeches"))
        return
    rows = [
        {
            t("stats.col_question"): plain_text(leech_prompt(key, session.by_id, session.lang))[
                :60
            ],
            t("stats.col_fails"): fails,
        }
        for key, fails in leech_list
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="stats_leeches")
