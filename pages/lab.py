"""LoRA Lab: live counts, matched modules, merge check, training curves and memory on ESM-2.

The panels live in ui/lab/; every number comes from lora_demo.
"""

import streamlit as st

from ui.core import ensure_router, t
from ui.lab.common import show_error
from ui.lab.controls import render_controls
from ui.lab.experiments_panel import (
    APPLIED,
    active_experiment,
    banner,
    experiments_panel,
    tab_for,
    unknown_experiment_notice,
)
from ui.lab.hub_panel import apply_pending_download, hub_panel
from ui.lab.lazy_tabs import keep_closed_tab_values, lab_tabs, open_tab
from ui.lab.memory_panel import memory_panel
from ui.lab.merge_panel import merge_panel
from ui.lab.mlm_panel import mlm_panel
from ui.lab.params_panel import matched_panel, params_panel
from ui.lab.train_panel import train_panel
from ui.lab.weights import weights_note

ensure_router()
st.title(t("lab.title"), anchor=False)
st.caption(t("lab.subtitle"))
unknown_experiment_notice()
keep_closed_tab_values()  # before any panel: a preset below may overwrite some of them
opened_before = st.session_state.get(APPLIED)
active = active_experiment()  # before the controls: an opened preset sets their values
if active:
    banner(active)
    if active != opened_before:
        open_tab(tab_for(active))  # a newly opened experiment shows its tab

left, right = st.columns([1.1, 3], gap="medium")
apply_pending_download()  # a finished hub download becomes the Weights choice
with left:
    controls = render_controls()
with right:
    settings = controls.settings
    if controls.error is not None:
        show_error(controls.error, t("lab.controls.title"))
    # the weights source, decided once for this rerun; None when it cannot be used (message shown)
    settings, weights = weights_note(settings)
    with st.expander(t("lab.weights_how_title"), icon=":material/download:"):
        st.markdown(t("lab.weights_how"))
        hub_panel(controls.model)
    panels = {"merge": merge_panel, "train": train_panel}
    sourced = {
        "params": params_panel,
        "matched": matched_panel,
        "mlm": mlm_panel,
        "memory": memory_panel,
    }
    for name, tab in lab_tabs():  # only the open tab runs
        with tab:
            if name == "experiments":
                experiments_panel(settings, active)
            elif settings is None or weights is None:
                st.info(t("lab.fix_settings"), icon=":material/tune:")
            elif name in sourced:
                sourced[name](settings, weights)
            else:
                panels[name](settings)
