"""Training results drawn: loss and validation-metric curves per run, and the summary table."""

from __future__ import annotations

import statistics

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lora_demo import StepReport
from ui.core import t
from ui.lab.common import fmt_bytes


def _line(
    run: str, color: str, points: list[StepReport], y: list, dash: str | None = None
) -> go.Scatter:
    """One run's curve; the validation panel's (dotted) shares the legend entry of the loss."""
    return go.Scatter(
        x=[s.step for s in points],
        y=y,
        name=run,
        mode="lines+markers",
        line={"color": color, "width": 3, **({"dash": dash} if dash else {})},
        legendgroup=run,
        showlegend=dash is None,
    )


def train_figure(steps: list[StepReport]) -> go.Figure:
    """Training loss (left) and validation metric (right) per step, one colour per run."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=(t("lab.train.loss"), t("lab.train.metric")))
    runs = list(dict.fromkeys(s.run for s in steps))
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]
    for i, run in enumerate(runs):
        color = palette[i % len(palette)]
        pts = [s for s in steps if s.run == run]
        val = [s for s in pts if s.val_metric is not None]
        fig.add_trace(_line(run, color, pts, [s.train_loss for s in pts]), row=1, col=1)
        fig.add_trace(_line(run, color, val, [s.val_metric for s in val], dash="dot"), row=1, col=2)
    fig.update_layout(
        height=380,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        font={"size": 15},
        legend={"orientation": "h", "y": -0.18},
    )
    fig.update_xaxes(title_text="step")
    return fig


def results_table(state: dict) -> pd.DataFrame:
    """One row per run: its last step, loss, validation numbers, speed and peak memory."""
    rows = []
    for run in dict.fromkeys(s.run for s in state["steps"]):
        pts = [s for s in state["steps"] if s.run == run]
        last = pts[-1]
        val = [s for s in pts if s.val_metric is not None]
        rows.append({
            t("lab.train.col_run"): run,
            t("lab.train.col_trainable"): f"{last.trainable:,}",
            t("lab.train.col_steps"): f"{last.step}/{state['total']}",
            t("lab.train.col_loss"): round(last.train_loss, 4),
            t("lab.train.col_val_loss"): round(val[-1].val_loss, 4) if val else None,
            t("lab.train.col_acc"): round(val[-1].val_metric, 3) if val else None,
            t("lab.train.col_sps"): round(statistics.median(s.seconds_per_step for s in pts), 3),
            t("lab.train.col_mem"): fmt_bytes(max(s.peak_mem_bytes for s in pts)),
        })  # fmt: skip
    # no validation yet: the localised dash, not Streamlit's "None"
    return pd.DataFrame(rows).astype(object).fillna(t("common.none"))
