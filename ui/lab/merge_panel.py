"""Merge panel: adapter vs merge_adapter / unmerge_adapter / merge_and_unload per dtype, with the two
misleading cases (B = 0, dropout in train mode) as toggles."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lora_demo import DTYPE_NAMES, LoraSettings, MergeReport, merge_check
from ui.core import t
from ui.lab.common import guarded, is_live, metric_row, settings_key
from ui.widget_texts import multiselect_texts

RESULT_KEY = "lab_merge_result"


@st.cache_data(max_entries=32, show_spinner=False)
def cached_merge(
    key: str, dtypes: tuple[str, ...], randomize_b: bool, train_mode: bool, _settings: LoraSettings
) -> MergeReport:
    return merge_check(_settings, dtypes, randomize_b=randomize_b, train_mode=train_mode)


def _want() -> None:
    st.session_state["lab_merge_want"] = True


@st.fragment
def merge_panel(settings: LoraSettings) -> None:
    st.caption(t("lab.merge.intro"))
    if not is_live(settings.model):
        st.info(t("lab.merge.too_large"), icon=":material/block:")
        return
    ss = st.session_state
    ss.setdefault("lab_merge_dtypes", ["float32"])
    top = st.columns([3, 1], vertical_alignment="bottom")
    top[0].multiselect(
        "dtype", DTYPE_NAMES, key="lab_merge_dtypes", on_change=_want, **multiselect_texts()
    )
    top[1].button(
        t("lab.merge.run"),
        key="lab_merge_run",
        on_click=_want,
        type="primary",
        icon=":material/play_arrow:",
        width="stretch",
    )
    cols = st.columns(2)
    cols[0].toggle(
        t("lab.merge.zero_b"),
        key="lab_merge_zero_b",
        on_change=_want,
        help=t("lab.merge.zero_b_help"),
    )
    cols[1].toggle(
        t("lab.merge.train_mode"),
        key="lab_merge_train",
        on_change=_want,
        help=t("lab.merge.train_mode_help"),
    )
    dtypes = tuple(d for d in DTYPE_NAMES if d in ss["lab_merge_dtypes"])
    if not dtypes:
        st.info(t("lab.merge.pick_dtype"))
        return
    zero_b, train_mode = bool(ss.get("lab_merge_zero_b")), bool(ss.get("lab_merge_train"))
    key = (settings_key(settings), dtypes, not zero_b, train_mode)
    with guarded(t("lab.tab.merge")):
        if ss.pop("lab_merge_want", False):
            with st.spinner(t("lab.merge.running"), show_time=True):
                report = cached_merge(key[0], dtypes, not zero_b, train_mode, settings)
            ss[RESULT_KEY] = (key, report)
        held = ss.get(RESULT_KEY)
        if held is None:
            st.info(t("lab.merge.press_run"), icon=":material/play_arrow:")
            return
        if held[0] != key:
            st.info(t("lab.merge.stale"), icon=":material/update:")
            return
        _show(held[1])


def _show(report: MergeReport) -> None:
    vacuous = [d for d, v in report.adapter_vs_base.items() if v == 0.0]
    if vacuous:
        st.warning(t("lab.merge.vacuous", dtypes=", ".join(vacuous)), icon=":material/warning:")
    if report.train_mode:
        st.warning(t("lab.merge.train_warning", p=f"{report.dropout:g}"), icon=":material/warning:")
    if not vacuous and not report.train_mode:
        if report.passed:
            st.success(t("lab.merge.passed"), icon=":material/check_circle:")
        else:
            st.error(t("lab.merge.failed"), icon=":material/cancel:")
    cols = metric_row(len(report.adapter_vs_base))
    for col, (dtype, diff) in zip(cols, report.adapter_vs_base.items(), strict=True):
        col.metric(
            t("lab.merge.vs_base", dtype=dtype), f"{diff:.3g}", help=t("lab.merge.vs_base_help")
        )
    rows = []
    for row in report.rows:
        verdicts = "  ".join(
            f"{'✓' if ok else '✗'} {label.split(' (')[0]}" for label, ok in row.verdicts.items()
        )
        rows.append({
            "dtype": row.dtype, t("lab.merge.col_comparison"): row.comparison,
            "max |Δ|": f"{row.max_abs_diff:.3g}", "mean |Δ|": f"{row.mean_abs_diff:.3g}",
            t("lab.merge.col_verdicts"): verdicts,
        })  # fmt: skip
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(t("lab.merge.tolerance_note"))
