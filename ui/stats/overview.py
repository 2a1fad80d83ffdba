"""The headline numbers: total grades, today, streak, true retention and leeches."""

from __future__ import annotations

from datetime import date

import streamlit as st

from studykit.schedule import Replay
from studykit.stats import streaks, true_retention
from ui.core import t


def overview(
    total: int,
    per_day: dict[date, int],
    today: date,
    replay: Replay,
    leech_count: int,
    today_reviews: int,
) -> None:
    """Five metrics in a row, and a hint when nothing has been graded yet. `today_reviews` counts
    daily-review grades only, as the quiz's "reviewed today" does (cram and mock steps do not)."""
    current, longest = streaks(per_day, today)
    retention, retention_n = true_retention(replay)
    cols = st.columns(5)
    cols[0].metric(t("stats.total"), total)
    cols[1].metric(t("stats.today"), today_reviews, help=t("stats.today_help"))
    cols[2].metric(
        t("stats.streak"), t("stats.days", n=current), help=t("stats.longest", n=longest)
    )
    cols[3].metric(
        t("stats.retention"),
        "—" if retention is None else f"{retention:.0%}",
        help=t("stats.retention_help", n=retention_n),
    )
    cols[4].metric(t("stats.leeches"), leech_count)
    if not total:
        st.info(t("stats.no_reviews"), icon=":material/insights:")
