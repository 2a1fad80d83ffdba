"""The Lab's controls: one column of widgets (keys `lab_*`) turned into valid `LoraSettings`."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
import torch

from lora_demo import (
    BIAS_CHOICES,
    DEFAULT_SETTINGS,
    DTYPE_NAMES,
    EXPERIMENTS,
    HEADS,
    INIT_CHOICES,
    MODEL_NAMES,
    SPECS,
    TARGET_PRESETS,
    LoraSettings,
    targets_from_presets,
)
from lora_demo.target_regex import MAX_PATTERN_CHARS
from ui.core import t
from ui.lab.common import is_live, size_label
from ui.lab.weights import weights_control, weights_source
from ui.widget_texts import multiselect_texts

_D = DEFAULT_SETTINGS  # the widgets start from the engine's defaults
DEFAULTS: dict[str, object] = {
    "lab_model": _D.model,
    "lab_head": _D.head,
    "lab_r": _D.r,
    "lab_alpha": int(_D.alpha),
    "lab_rslora": _D.use_rslora,
    "lab_dropout": _D.dropout,
    **{f"lab_t_{p.id}": p.name in _D.targets for p in TARGET_PRESETS.values()},
    "lab_extra": "",
    "lab_layers": list(_D.layers or ()),
    "lab_init": _D.init,
    "lab_bias": _D.bias,
    "lab_dtype": _D.dtype,
    "lab_device": _D.device,
    "lab_no_task": _D.task_type == "none",
    "lab_weights": _D.source,
    "lab_weights_path": None,
}
_FIELD_KEYS = {
    "model": "lab_model", "head": "lab_head", "r": "lab_r", "use_rslora": "lab_rslora",
    "dropout": "lab_dropout", "init": "lab_init", "bias": "lab_bias", "dtype": "lab_dtype",
}  # fmt: skip


@dataclass
class Controls:
    """What the controls produced: valid settings, or the error that prevented them."""

    settings: LoraSettings | None
    error: Exception | None
    model: str


def devices() -> list[str]:
    out = ["cpu"]
    if torch.cuda.is_available():
        out.append("cuda")
    return out


def _init_state() -> None:
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)


def apply_experiment(exp_id: str) -> None:
    """Put a preset's settings into the widgets (once per opened experiment id)."""
    exp = EXPERIMENTS[exp_id]
    for key, value in DEFAULTS.items():
        if key not in ("lab_weights", "lab_weights_path"):  # presets keep the chosen weights
            st.session_state[key] = value
    preset = dict(exp.settings)
    for field_name, key in _FIELD_KEYS.items():
        if field_name in preset:
            st.session_state[key] = preset[field_name]
    if "alpha" in preset:
        st.session_state["lab_alpha"] = int(preset["alpha"])
    if "task_type" in preset:
        st.session_state["lab_no_task"] = preset["task_type"] == "none"
    targets = preset.get("targets")
    if isinstance(targets, tuple | list):
        by_name = {p.name: p.id for p in TARGET_PRESETS.values() if p.name}
        for pid in TARGET_PRESETS:
            st.session_state[f"lab_t_{pid}"] = False
        extra = []
        for name in targets:
            if name in by_name:
                st.session_state[f"lab_t_{by_name[name]}"] = True
            else:
                extra.append(name)
        st.session_state["lab_extra"] = ", ".join(extra)
    opts = dict(exp.options)
    if "dtypes" in opts:
        st.session_state["lab_merge_dtypes"] = list(opts["dtypes"])
    if "batch_size" in opts:
        st.session_state["lab_mem_batch"] = int(opts["batch_size"])
    if "seq_len" in opts:
        st.session_state["lab_mem_seq"] = int(opts["seq_len"])
    if "p" in opts:
        st.session_state["lab_dropout"] = float(opts["p"])


def render_controls() -> Controls:
    """Draw the controls and build the settings (errors are returned, never raised)."""
    _init_state()
    ss = st.session_state
    st.subheader(t("lab.controls.title"), anchor=False)
    model = st.selectbox(
        t("lab.controls.model"), MODEL_NAMES, format_func=size_label, key="lab_model"
    )
    if not is_live(model):
        st.caption(t("lab.controls.large_note"))
    head_labels = {h: t(f"lab.head.{h}") for h in HEADS}  # resolved now, not at format time
    st.radio(
        t("lab.controls.head"),
        HEADS,
        key="lab_head",
        horizontal=True,
        format_func=head_labels.__getitem__,
    )
    offered = weights_control()
    st.slider("r", 1, 64, key="lab_r", help=t("lab.controls.r_help"))
    st.slider("lora_alpha", 1, 128, key="lab_alpha", help=t("lab.controls.alpha_help"))
    st.toggle("use_rslora", key="lab_rslora", help=t("lab.controls.rslora_help"))
    st.slider("lora_dropout", 0.0, 0.9, step=0.05, key="lab_dropout")
    st.markdown(f"**{t('lab.controls.targets')}**")
    for preset in TARGET_PRESETS.values():
        st.checkbox(t(f"lab.target.{preset.id}"), key=f"lab_t_{preset.id}", help=preset.path)
    with st.expander(t("lab.controls.advanced"), icon=":material/tune:"):
        st.text_input(
            t("lab.controls.extra"),
            key="lab_extra",
            max_chars=MAX_PATTERN_CHARS,
            help=t("lab.controls.extra_help"),
            placeholder="dense  |  .*\\.layer\\.(?:4|5)\\.attention\\.self\\.query",
        )
        n_layers = SPECS[model].layers
        ss["lab_layers"] = [i for i in ss.get("lab_layers", []) if 0 <= i < n_layers]
        st.multiselect(
            t("lab.controls.layers"),
            list(range(n_layers)),
            key="lab_layers",
            **multiselect_texts("lab.controls.layers_all"),
        )
        st.selectbox("init_lora_weights", list(INIT_CHOICES), key="lab_init")
        st.selectbox("bias", BIAS_CHOICES, key="lab_bias")
        st.selectbox("dtype", DTYPE_NAMES, key="lab_dtype")
        options = devices()
        if ss.get("lab_device") not in options:
            ss["lab_device"] = "cpu"
        st.selectbox(t("lab.controls.device"), options, key="lab_device")
        if "cuda" not in options:
            st.caption(t("lab.controls.no_cuda"))
        st.toggle(t("lab.controls.no_task"), key="lab_no_task", help=t("lab.controls.no_task_help"))
    try:
        presets = [p for p in TARGET_PRESETS if ss[f"lab_t_{p}"]]
        layers = tuple(sorted(ss["lab_layers"])) or None
        targets, layers = targets_from_presets(presets, ss["lab_extra"], layers)
        settings = LoraSettings(
            model=model, head=ss["lab_head"], r=int(ss["lab_r"]), alpha=float(ss["lab_alpha"]),
            dropout=float(ss["lab_dropout"]), targets=targets, layers=layers,
            use_rslora=bool(ss["lab_rslora"]), init=ss["lab_init"], bias=ss["lab_bias"],
            dtype=ss["lab_dtype"], device=ss["lab_device"],
            task_type="none" if ss["lab_no_task"] else "auto",
            source=weights_source(offered),
        )  # fmt: skip  # checked once, here: invalid settings raise
    except Exception as exc:  # shown by the panels as a clear message
        return Controls(None, exc, model)
    return Controls(settings, None, model)
