"""What to work on: the key points most often missed, and the leeches (cards failed again and again).

A click on a row opens its question in Browse with the answer shown."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studykit.bank_markdown import plain_text
from studykit.cards import split_card_key
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
    texts = weak_point_texts(weak, session.by_id, session.lang)
    rows = [
        {
            t("stats.col_missed"): f"{w.missed} / {w.attempts}",
            t("stats.col_point"): plain_text(point),  # a table cell cannot render Markdown
            t("stats.col_question"): plain_text(question)[:50],
        }
        for question, point, w in texts
    ]
    st.caption(t("stats.open_row_hint"))
    widths = {  # all three columns fit a 1280 px window with the sidebar open
        t("stats.col_missed"): st.column_config.TextColumn(width=100),
        t("stats.col_point"): st.column_config.TextColumn(width=360),
        t("stats.col_question"): st.column_config.TextColumn(width=260),
    }
    picked = _pick_row(pd.DataFrame(rows), "stats_weak", widths)
    if picked is not None:
        open_in_browse(texts[picked][2].question_id)


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
    st.caption(t("stats.open_row_hint"))
    picked = _pick_row(pd.DataFrame(rows), "stats_leeches")
    if picked is not None:
        open_in_browse(split_card_key(leech_list[picked][0])[0])


def _pick_row(frame: pd.DataFrame, key: str, widths: dict | None = None) -> int | None:
    """The table with single-row selection; the index of the row the learner clicked, if any."""
    event = st.dataframe(
        frame,
        hide_index=True,
        key=key,
        on_select="rerun",
        selection_mode="single-row",
        column_config=widths,
    )
    rows = event.selection.rows if event is not None else []
    return rows[0] if rows and rows[0] < len(frame) else None


def open_in_browse(question_id: str) -> None:
    """Open the question in Browse with its answer shown (a clicked Progress row)."""
    st.switch_page("pages/browse.py", query_params={"q": question_id, "reveal": "1"})
