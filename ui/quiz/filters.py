"""The source and tag filters shared by daily review and cram."""

from __future__ import annotations

import streamlit as st

from studykit.question_filters import filter_questions
from studykit.schema import Question
from studykit.tags import tag_label
from ui.core import t
from ui.quiz.session import StudySession
from ui.widget_texts import multiselect_texts


def question_filters(session: StudySession) -> list[Question]:
    """Two multiselects (sources, tags); returns the questions they let through (all when empty)."""
    bank, lang, titles = session.bank, session.lang, session.titles
    used_tags = sorted({tag for q in bank.questions for tag in q.tags})
    cols = st.columns(2)
    sources = cols[0].multiselect(
        t("quiz.filter.sources"),
        list(titles),
        format_func=titles.__getitem__,
        key="quiz_sources",
        **multiselect_texts("quiz.filter.all"),
    )
    tags = cols[1].multiselect(
        t("quiz.filter.tags"),
        used_tags,
        format_func={tag: tag_label(tag, lang) for tag in used_tags}.__getitem__,
        key="quiz_tags",
        **multiselect_texts("quiz.filter.all"),
    )
    return filter_questions(bank.questions, sources, tags)
