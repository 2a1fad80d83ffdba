"""Memory panel: stacked per-component estimate for full / LoRA / QLoRA, measured on a GPU when present."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
import torch

from lora_demo import LoraSettings, MemoryEstimate, ResolvedSource, estimate, measure_gpu
from lora_demo.memory import SCHEMES
from ui.core import t
from ui.lab.common import fmt_bytes, guarded, settings_key

PARTS = ("weights", "gradients", "optimizer", "activations")
COLORS = {
    "weights": "#4c78a8",
    "gradients": "#f58518",
    "optimizer": "#e45756",
    "activations": "#72b7b2",
}
SEQ_CHOICES = (64, 128, 256, 512, 1024)
BATCH_CHOICES = (1, 2, 4, 8, 16, 32)


@st.cache_data(max_entries=256, show_spinner=False)
def cached_estimates(
    key: str,
    batch: int,
    seq: int,
    attention: str,
    _settings: LoraSettings,
    _weights: ResolvedSource,
) -> list[MemoryEstimate]:
    s = _settings
    return [
        estimate(
            s.model,
            mode,
            s.dtype,
            batch,
            seq,
            settings=s,
            resolved=_weights,
            head=s.head,
            attention=attention,
        )
        for mode in SCHEMES
    ]


def memory_panel(settings: LoraSettings, weights: ResolvedSource) -> None:
    """Memory per scheme for ``settings`` (``weights``: the source the Lab decided this rerun)."""
    ss = st.session_state
    ss.setdefault("lab_mem_batch", 8)
    ss.setdefault("lab_mem_seq", 512)
    ss.setdefault("lab_mem_attn", "eager")
    cols = st.columns(3)
    cols[0].select_slider(t("lab.memory.batch"), BATCH_CHOICES, key="lab_mem_batch")
    cols[1].select_slider(t("lab.memory.seq"), SEQ_CHOICES, key="lab_mem_seq")
    cols[2].radio(
        t("lab.memory.attention"),
        ("eager", "sdpa"),
        key="lab_mem_attn",
        horizontal=True,
        help=t("lab.memory.attention_help"),
    )
    with guarded(t("lab.tab.memory")):
        ests = cached_estimates(
            settings_key(settings),
            int(ss["lab_mem_batch"]),
            int(ss["lab_mem_seq"]),
            ss["lab_mem_attn"],
            settings,
            weights,
        )
        measured = ss.get("lab_mem_measured", {}).get(settings_key(settings), {})
        left, right = st.columns([3, 2])
        with left:
            st.plotly_chart(_figure(ests, measured), config={"displayModeBar": False})
        with right:
            for e in ests:
                st.metric(
                    t(f"lab.memory.mode.{e.scheme}"),
                    fmt_bytes(e.total),
                    help=t("lab.memory.trainable", n=f"{e.trainable:,}"),
                )
        frame = pd.DataFrame(
            [
                {
                    t("lab.memory.col_mode"): t(f"lab.memory.mode.{e.scheme}"),
                    **{t(f"lab.memory.part.{p}"): fmt_bytes(getattr(e, p)) for p in PARTS},
                    t("lab.memory.col_total"): fmt_bytes(e.total),
                }
                for e in ests
            ]
        )
        st.dataframe(frame, hide_index=True, width="stretch")
        st.caption(t("lab.memory.note", dtype=settings.dtype))
        _gpu_measure(settings, ests)


def _figure(ests: list[MemoryEstimate], measured: dict[str, int]) -> go.Figure:
    fig = go.Figure()
    x = [t(f"lab.memory.mode.{e.scheme}") for e in ests]
    for part in PARTS:
        fig.add_trace(
            go.Bar(
                x=x,
                y=[getattr(e, part) / 2**30 for e in ests],
                name=t(f"lab.memory.part.{part}"),
                marker_color=COLORS[part],
            )
        )
    if measured:
        fig.add_trace(go.Scatter(
            x=[t(f"lab.memory.mode.{m}") for m in measured], y=[v / 2**30 for v in measured.values()],
            mode="markers", marker={"symbol": "diamond", "size": 16, "color": "black"},
            name=t("lab.memory.measured"),
        ))  # fmt: skip
    fig.update_layout(
        barmode="stack",
        height=380,
        font={"size": 15},
        yaxis_title="GiB",
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": 1.12},
    )
    return fig


def _gpu_measure(settings: LoraSettings, ests: list[MemoryEstimate]) -> None:
    if not torch.cuda.is_available():
        st.caption(t("lab.memory.no_gpu"))
        return
    if not st.button(t("lab.memory.measure"), key="lab_mem_measure", icon=":material/speed:"):
        return
    s = settings.with_(device="cuda")
    out = {}
    with st.spinner(t("lab.memory.measuring"), show_time=True):
        for mode in ("full", "lora"):
            out[mode] = measure_gpu(
                s,
                mode,
                int(st.session_state["lab_mem_batch"]),
                int(st.session_state["lab_mem_seq"]),
            )
            torch.cuda.empty_cache()
    st.session_state.setdefault("lab_mem_measured", {})[settings_key(settings)] = out
    st.rerun()
