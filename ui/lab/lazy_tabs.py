"""The Lab's tabs, run lazily: only the open tab's panel runs on a rerun.

A change of r, alpha or a target reran all seven tabs, and the browser re-rendered every element
of all of them before the new count showed (bench/bench_lab_browser.py: p50 ~300 ms, of which the
Parameters tab's own work is ~40 ms). With an ``on_change`` callback Streamlit runs only the
open tab (``tab.open``); a tab click is a rerun. Widgets that were not drawn in a run lose their values in
Streamlit, so the values of the widgets in the other tabs are written back to session state at
the start of each run (Streamlit's documented way to keep them); buttons and the file uploader
cannot be written and are not kept (the training panel keeps an uploaded file itself).
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from ui.core import t

NAMES = ("params", "matched", "merge", "train", "mlm", "memory", "experiments")
# widgets inside the tabs whose values must survive while their tab is closed
KEPT = (
    "lab_show_layer", "lab_params_table",
    "lab_merge_dtypes", "lab_merge_train", "lab_merge_zero_b",
    "lab_task", "lab_steps", "lab_batch", "lab_runs", "lab_run_full", "lab_run_head",
    "lab_mem_attn", "lab_mem_batch", "lab_mem_seq",
)  # fmt: skip
OPEN = "lab_open_tab"  # the open tab's name ("params", ...): what the tabs widget shows
TABS = "lab_tab"  # the tabs widget (its value: the open tab's label in the current language)


def keep_closed_tab_values() -> None:
    """Write the tabs' widget values back, so a run that does not draw them keeps them."""
    ss = st.session_state
    for key in KEPT:
        if key in ss:
            ss[key] = ss[key]


def open_tab(name: str) -> None:
    """Make `name` the open tab on the next draw (an experiment names the tab it belongs to)."""
    st.session_state[OPEN] = name


def _label(name: str) -> str:
    return t(f"lab.tab.{name}")


def _remember_click() -> None:
    label = st.session_state.get(TABS)
    st.session_state[OPEN] = next((n for n in NAMES if _label(n) == label), NAMES[0])


def lab_tabs() -> Sequence[tuple[str, object]]:
    """(name, container) of the open tab only; the others are drawn empty.

    The open tab is kept by name (OPEN) and written into the widget before it is drawn, so it
    survives a language switch (the labels change) and is set by `open_tab` like by a click.
    """
    ss = st.session_state
    if ss.get(OPEN) not in NAMES:
        ss[OPEN] = NAMES[0]
    ss[TABS] = _label(ss[OPEN])
    tabs = st.tabs([_label(n) for n in NAMES], key=TABS, on_change=_remember_click)
    return [(name, tab) for name, tab in zip(NAMES, tabs, strict=True) if tab.open]
