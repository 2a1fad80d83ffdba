"""The per key point tallies as a large stacked bar chart, legible on a projector at 1280×720."""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go
import streamlit as st

from studykit.rooms.tally import STATUSES, PointTally
from ui.core import t

COLORS = {
    "covered": "#2e7d32",
    "partial": "#f9a825",
    "missed": "#9e9e9e",
    "contradicted": "#c62828",
}


def tally_chart(points: list[PointTally], labels: list[str]) -> None:
    """One horizontal bar per key point, split covered / partly / missed / contradicted."""
    wrapped = ["<br>".join(textwrap.wrap(label, 38)[:2]) for label in labels]
    fig = go.Figure()
    for status in STATUSES:
        fig.add_bar(
            y=wrapped,
            x=[p.counts[status] for p in points],
            name=t(f"group.status.{status}"),
            orientation="h",
            marker_color=COLORS[status],
            text=[p.counts[status] or "" for p in points],
            textposition="inside",
        )
    fig.update_layout(
        barmode="stack",
        height=90 + 70 * len(points),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        font={"size": 20},
        legend={"orientation": "h", "y": -0.12, "traceorder": "normal", "font": {"size": 18}},
        yaxis={"autorange": "reversed", "tickfont": {"size": 18}},
        xaxis={"dtick": 1, "tickfont": {"size": 16}},
    )
    st.plotly_chart(fig, key="group_tally_chart", config={"displayModeBar": False})
