"""Progress: activity heatmap, streak, true retention, due forecast, mastery, weak points, leeches,
plus export/import of progress and the Anki CSV of the bank.

The sections live in ui/stats/; every number comes from studykit.stats.
"""

from __future__ import annotations

import streamlit as st

from studykit.stats import leeches, reviews_on, reviews_per_day
from ui.core import ensure_router, get_bank, t
from ui.plain_text import md_text
from ui.quiz.progress import bad_rows_notice, load_progress, unknown_ids_notice
from ui.quiz.session import database_guard, local_tz, now_utc, open_session
from ui.stats.charts import activity_heatmap, due_forecast_chart, mastery_charts
from ui.stats.data_panel import data_panel
from ui.stats.overview import overview
from ui.stats.tables import leeches_table, weak_points_table

ensure_router()

with database_guard():  # the database may go away between two queries of this run
    session = open_session(get_bank())
    now = now_utc()
    tz = local_tz()
    today = now.astimezone(tz).date()

    st.title(t("stats.title"))
    st.caption(t("stats.profile", name=md_text(session.profile_name, 80)))
    progress = load_progress(session.store, session.profile_id, session.bank)
    reviews = progress.reviews
    unknown_ids_notice(progress)
    bad_rows_notice(progress)

    per_day = reviews_per_day(reviews, tz)
    leech_list = leeches(r for r in reviews if r.question_id in session.by_id)

    today_reviews = reviews_on(reviews, today, tz)  # mode "review" only, as in the quiz
    overview(len(reviews), per_day, today, progress.replay, len(leech_list), today_reviews)
    activity_heatmap(per_day, today)
    due_forecast_chart(progress.replay, session.bank.questions, now, tz, today)
    mastery_charts(session, progress.replay, progress.scheduler, now)
    weak_points_table(session, reviews)
    leeches_table(session, leech_list)
    data_panel(session, now)
