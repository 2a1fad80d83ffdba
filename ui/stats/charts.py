"""The progress charts: calendar heatmap, 30-day due forecast, mastery by tag and by source."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo

import plotly.graph_objects as go
import streamlit as st
from fsrs import Scheduler

from studykit.schedule import Replay, live_cards
from studykit.schema import Question
from studykit.stats import due_forecast, heatmap_grid, mastery_by
from studykit.tags import tag_label
from ui.core import t
from ui.quiz.session import StudySession

FORECAST_DAYS = 30


def date_axis() -> dict[str, str]:
    """A date axis labelled in the UI language (plotly's own month names are English)."""
    return {
        "type": "date",
        "tickformat": t("stats.date_tick"),
        "hoverformat": t("stats.date_hover"),
    }


def activity_heatmap(per_day: dict[date, int], today: date) -> None:
    """Grades per day over the last 26 weeks (columns = weeks, rows = weekdays)."""
    st.subheader(t("stats.heatmap"))
    weeks, grid = heatmap_grid(per_day, today, weeks=26)
    peak = max((v for row in grid for v in row if v is not None), default=0)
    fig = go.Figure(
        go.Heatmap(
            z=grid,
            x=[w.isoformat() for w in weeks],
            y=t("stats.weekdays").split(","),
            colorscale="Greens",
            xgap=3,
            ygap=3,
            hovertemplate=t("stats.heatmap_hover") + "<extra></extra>",
            showscale=False,
            zmin=0,
            zmax=max(1, peak),  # with no grades yet, empty days stay pale instead of mid-green
        )
    )
    fig.update_layout(
        height=230,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis={"autorange": "reversed"},
        xaxis=date_axis(),
    )
    st.plotly_chart(fig, key="stats_heatmap")


def due_forecast_chart(
    replay: Replay, questions: Sequence[Question], now: datetime, tz: tzinfo, today: date
) -> None:
    """How many cards of the bank (main questions and follow-ups, as the daily queue schedules
    them) fall due on each of the next 30 days."""
    st.subheader(t("stats.forecast"))
    cards = live_cards(replay.cards, questions).values()
    forecast = due_forecast(cards, now, days=FORECAST_DAYS, tz=tz)
    days = [(today + timedelta(days=i)).isoformat() for i in range(FORECAST_DAYS)]
    fig = go.Figure(go.Bar(x=days, y=forecast))
    top = max(max(forecast, default=0), 1) * 1.15  # an empty forecast runs 0…1, not −1…1
    fig.update_layout(
        height=260,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis={"title": t("stats.cards"), "range": [0, top], "dtick": max(1, math.ceil(top / 5))},
        xaxis=date_axis(),
    )
    st.plotly_chart(fig, key="stats_forecast")


def mastery_charts(
    session: StudySession, replay: Replay, scheduler: Scheduler, now: datetime
) -> None:
    """Mean recall probability per tag and per source document, weakest on top."""
    st.subheader(t("stats.mastery"))
    st.caption(t("stats.mastery_help"))
    left, right = st.columns(2)
    for col, by in ((left, "tag"), (right, "source")):
        rows = mastery_by(session.bank.questions, replay.cards, scheduler, now, by=by)
        names = [
            tag_label(m.group, session.lang)
            if by == "tag"
            else session.titles.get(m.group, m.group)
            for m in rows
        ]
        fig = go.Figure(
            go.Bar(
                x=[round(m.mastery * 100) for m in rows],
                y=names,
                orientation="h",
                customdata=[[m.seen, m.questions] for m in rows],
                hovertemplate="%{y}: %{x}% (%{customdata[0]}/%{customdata[1]})<extra></extra>",
            )
        )
        fig.update_layout(
            title=t(f"stats.by_{by}"),
            height=max(220, 28 * len(rows) + 80),
            xaxis={"range": [0, 100]},
            yaxis={"autorange": "reversed"},  # weakest on top
            margin={"l": 10, "r": 10, "t": 40, "b": 10},
        )
        col.plotly_chart(fig, key=f"stats_mastery_{by}")
