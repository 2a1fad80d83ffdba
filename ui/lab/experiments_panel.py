"""Experiments: named presets from `lora_demo.EXPERIMENTS`, opened by `?exp=<id>`, linked to the bank."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lora_demo import (
    EXPERIMENTS,
    DropoutReport,
    InitGradReport,
    LoraSettings,
    dropout_placement,
    init_and_gradients,
)
from ui.core import current_lang, get_bank, t
from ui.lab.common import guarded, is_live, metric_row, settings_key
from ui.lab.controls import apply_experiment
from ui.plain_text import md_text

APPLIED = "lab_exp_applied"
# Which tab an experiment opens on.
TAB_OF_PANEL = {
    "count": "params",
    "merge": "merge",
    "probes": "experiments",
    "train": "train",
    "memory": "memory",
}
TAB_OVERRIDE = {"dense-matches-head": "matched", "rslora-vs-alpha-r": "experiments"}


def active_experiment() -> str | None:
    """The experiment named by `?exp=`, applied to the controls once when it first appears."""
    exp_id = st.query_params.get("exp")
    if exp_id not in EXPERIMENTS:
        return None
    if st.session_state.get(APPLIED) != exp_id:
        apply_experiment(exp_id)
        st.session_state[APPLIED] = exp_id
    return exp_id


def tab_for(exp_id: str | None) -> str | None:
    if exp_id is None:
        return None
    return TAB_OVERRIDE.get(exp_id, TAB_OF_PANEL[EXPERIMENTS[exp_id].panel])


def unknown_experiment_notice() -> None:
    exp_id = st.query_params.get("exp")
    if exp_id and exp_id not in EXPERIMENTS:
        st.warning(
            t("lab.exp.unknown", id=md_text(exp_id, 80), ids=", ".join(EXPERIMENTS)),
            icon=":material/help:",
        )


def _title(exp_id: str) -> str:
    e = EXPERIMENTS[exp_id]
    return e.title_zh if current_lang() == "zh" else e.title_en


def _open(exp_id: str | None) -> None:
    st.session_state.pop(APPLIED, None)
    if exp_id is None:
        st.query_params.pop("exp", None)
    else:
        st.query_params["exp"] = exp_id


def questions_for(exp_id: str) -> list:
    return [q for q in get_bank().questions if q.lab == exp_id]


def _question_links(exp_id: str, expanded: bool = False) -> None:
    qs = questions_for(exp_id)
    if not qs:
        return
    with st.expander(t("lab.exp.questions", n=len(qs)), expanded=expanded, icon=":material/quiz:"):
        _links(qs)


def _links(qs: list) -> None:
    lang = current_lang()
    for q in qs:
        text = q.question.zh if lang == "zh" else (q.question.en or q.question.zh)
        label = text.strip().splitlines()[0]
        label = label if len(label) <= 90 else label[:88] + "…"
        st.page_link(
            "pages/browse.py",
            label=f"{q.id} · {label}",
            icon=":material/quiz:",
            query_params={"q": q.id},
        )


def banner(exp_id: str) -> None:
    """The opened experiment at the top of the page: what it shows, the questions it answers."""
    with st.container(border=True):
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.markdown(f"#### :material/experiment: {t('lab.exp.active')}: {_title(exp_id)}")
        right.button(
            t("lab.exp.close"),
            key="lab_exp_close",
            on_click=_open,
            args=(None,),
            icon=":material/close:",
        )
        st.markdown(t(f"lab.exp.desc.{exp_id}"))
        st.caption(t("lab.exp.where", tab=t(f"lab.tab.{tab_for(exp_id)}")))
        _question_links(exp_id)


def experiments_panel(settings: LoraSettings | None, active: str | None) -> None:
    if active and EXPERIMENTS[active].panel == "probes" and settings is not None:
        with guarded(_title(active)):
            _probe(active, settings)
    if active == "rslora-vs-alpha-r" and settings is not None:
        _scaling_chart(settings)
    for exp_id, exp in EXPERIMENTS.items():
        with st.container(border=True):
            left, right = st.columns([5, 1], vertical_alignment="center")
            mark = " :material/radio_button_checked:" if exp_id == active else ""
            left.markdown(f"**{_title(exp_id)}**{mark}  \n{t(f'lab.exp.desc.{exp_id}')}")
            right.button(
                t("lab.exp.open"),
                key=f"lab_exp_open_{exp_id}",
                on_click=_open,
                args=(exp_id,),
                icon=":material/play_arrow:",
                disabled=exp_id == active,
            )
            _question_links(exp_id, expanded=exp_id == active)
            del exp


@st.cache_data(max_entries=32, show_spinner=False)
def _cached_probe(kind: str, key: str, p: float, _settings: LoraSettings):
    if kind == "dropout_placement":
        return dropout_placement(p, _settings)
    return init_and_gradients(_settings)


def _probe(exp_id: str, settings: LoraSettings) -> None:
    opts = dict(EXPERIMENTS[exp_id].options)
    kind = opts.get("probe", "init_and_gradients")
    # the dropout probe measures the p on the slider (the preset sets it; 0 would show nothing)
    p = float(settings.dropout) if settings.dropout > 0 else float(opts.get("p", 0.5))
    if not is_live(settings.model):
        st.info(t("lab.exp.too_large"), icon=":material/block:")
        return
    with st.spinner(t("lab.exp.measuring"), show_time=True):
        rep = _cached_probe(kind, settings_key(settings), p, settings)
    st.markdown(f"#### {_title(exp_id)} — {t('lab.exp.measured')}")
    if isinstance(rep, DropoutReport):
        cols = metric_row(4)
        cols[0].metric(
            t("lab.probe.lora_zero_train"),
            f"{rep.lora_input_zero_fraction_train:.3f}",
            help=f"p = {rep.p:g}",
        )
        cols[1].metric(
            t("lab.probe.lora_scale"), f"{rep.lora_input_scale_train:.3f}", help="1 / (1 - p)"
        )
        cols[2].metric(t("lab.probe.base_zero_train"), f"{rep.base_input_zero_fraction_train:.3f}")
        cols[3].metric(t("lab.probe.lora_zero_eval"), f"{rep.lora_input_zero_fraction_eval:.3f}")
        st.caption(t("lab.probe.dropout_note", module=rep.module))
    elif isinstance(rep, InitGradReport):
        cols = metric_row(4)
        cols[0].metric(t("lab.probe.out_vs_base"), f"{rep.max_abs_diff_vs_base:.3g}")
        cols[1].metric(t("lab.probe.grad_a"), f"{rep.grad_a_max_abs:.3g}")
        cols[2].metric(t("lab.probe.grad_b"), f"{rep.grad_b_max_abs:.3g}")
        cols[3].metric(t("lab.probe.grad_a_after"), f"{rep.grad_a_max_abs_after_step:.3g}")
        st.caption(
            t(
                "lab.probe.init_note",
                init=rep.init,
                lo=f"{rep.a_min:.4f}",
                hi=f"{rep.a_max:.4f}",
                bound=f"{rep.a_bound:.4f}",
                std=f"{rep.a_std:.4f}",
                lr=f"{rep.lr:g}",
            )
        )


def _scaling_chart(settings: LoraSettings) -> None:
    """alpha/r vs alpha/sqrt(r) at the chosen alpha, from LoraSettings.scaling itself."""
    rs = list(EXPERIMENTS["rslora-vs-alpha-r"].options.get("r_values", (1, 2, 4, 8, 16, 32, 64)))
    plain = [settings.with_(r=r, use_rslora=False).scaling for r in rs]
    rs_lora = [settings.with_(r=r, use_rslora=True).scaling for r in rs]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=rs, y=plain, name="α/r", mode="lines+markers", line={"width": 4}))
    fig.add_trace(
        go.Scatter(x=rs, y=rs_lora, name="α/√r (rsLoRA)", mode="lines+markers", line={"width": 4})
    )
    fig.update_layout(
        height=340,
        font={"size": 15},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis={"title": "r", "type": "log", "tickvals": rs},
        yaxis={"title": t("lab.exp.scale_axis", alpha=f"{settings.alpha:g}"), "type": "log"},
        legend={"orientation": "h", "y": 1.1},
    )
    st.plotly_chart(fig, config={"displayModeBar": False})
    st.dataframe(pd.DataFrame({"r": rs, "α/r": plain, "α/√r": rs_lora}).T, width="stretch")
