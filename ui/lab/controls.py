"""The Lab's controls: one column of widgets (keys `lab_*`) turned into valid `LoraSettings`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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
    LoraSettingsError,
    ResolvedSource,
    resolve_source,
    targets_from_presets,
)
from lora_demo.hub_download import OFFICIAL, target_folder
from lora_demo.project_checkpoint import (
    ProjectCheckpoint,
    project_checkpoint,
    resolve_project_source,
)
from lora_demo.target_regex import MAX_PATTERN_CHARS
from studykit.deployment import model_folder, model_folders, models_dir
from ui.core import t
from ui.lab.common import is_live, show_error, size_label
from ui.plain_text import public_text
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
WEIGHT_CHOICES = (
    "random",
    "project",
    "download",
    "folder",
    "cache",
)  # project: lora_demo/checkpoints/...
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


def weight_choices() -> tuple[str, ...]:
    """ "Local folder" only where the admin configured a models folder (never when shared)."""
    return tuple(w for w in WEIGHT_CHOICES if w != "folder" or models_dir() is not None)


def downloaded_folder(model: str) -> Path | None:
    """The official checkpoint of `model` that the download button fetched, if it is there."""
    if model not in OFFICIAL:
        return None
    folder = target_folder(model)
    return folder if (folder / "config.json").is_file() else None


def weights_source(ckpt: ProjectCheckpoint | None, downloaded: Path | None) -> str:
    """The `source` for LoraSettings from the Weights control.

    ``ckpt`` and ``downloaded``: the project checkpoint and the downloaded official one, as the
    controls found them for this rerun. A local folder is picked by name among the checkpoint
    folders under the configured models folder (`LORA_LAB_MODELS_DIR`): no typed paths, so no
    `~`, no probing which folders exist.
    """
    ss = st.session_state
    choice = ss.get("lab_weights", "random")
    if choice == "cache":
        return "auto"
    if choice == "project":  # this project's pretrained 8M (absolute path, or a clear error)
        return str(ckpt.folder) if ckpt is not None else resolve_project_source("project")
    if choice == "download":  # the official checkpoint fetched by the download button
        folder = downloaded
        if folder is None:
            raise LoraSettingsError("source", t("lab.controls.weights_download_missing"))
        return str(folder)
    if choice == "folder":
        folder = model_folder(str(ss.get("lab_weights_path") or ""))
        if folder is None:
            raise LoraSettingsError("source", t("lab.controls.weights_path_empty"))
        return str(folder)
    return "random"


def public_provenance(provenance: str) -> str:
    """Where the weights came from, with the models folder's server path left out."""
    root = models_dir()
    return provenance.replace(str(root), "models") if root is not None else provenance


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
    ckpt = project_checkpoint()
    weight_labels = {w: t(f"lab.controls.weights_{w}") for w in WEIGHT_CHOICES}
    downloaded = downloaded_folder(str(ss.get("lab_model", "")))
    choices = [
        w
        for w in weight_choices()
        if (w != "project" or ckpt is not None) and (w != "download" or downloaded is not None)
    ]
    if ckpt is not None:
        weight_labels["project"] = t("lab.controls.weights_project", label=ckpt.label)
    if ss.get("lab_weights") not in choices:
        ss["lab_weights"] = "random"
    st.radio(
        t("lab.controls.weights"),
        choices,
        key="lab_weights",
        format_func=weight_labels.__getitem__,
    )
    if ss["lab_weights"] == "folder":
        folders = model_folders()
        if ss.get("lab_weights_path") not in folders:
            ss["lab_weights_path"] = None
        st.selectbox(
            t("lab.controls.weights_path"),
            folders,
            key="lab_weights_path",
            index=None,
            help=t("lab.controls.weights_path_help"),
            placeholder=t("lab.controls.weights_path_pick"),
        )
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
            source=weights_source(ckpt, downloaded),
        )  # fmt: skip  # checked once, here: invalid settings raise
    except Exception as exc:  # shown by the panels as a clear message
        return Controls(None, exc, model)
    return Controls(settings, None, model)


def weights_note(
    settings: LoraSettings | None,
) -> tuple[LoraSettings, ResolvedSource] | tuple[None, None]:
    """The note above the tabs, and the weights source decided once for this rerun.

    Says random weights, or the checkpoint in use (config checked). A folder or cache that cannot
    be used becomes a clear st.error saying what to do, and the panels get no settings (returns
    ``(None, None)``); nothing is downloaded. The panels take the returned source as it is.
    """
    if settings is None:
        if st.session_state.get("lab_weights", "random") == "random":
            st.info(t("lab.weights_note", seed=0), icon=":material/casino:")
        return None, None  # else the controls' error (e.g. an empty folder path) is shown
    try:
        resolved = resolve_source(settings)
    except Exception as exc:  # LoraSettingsError / ModelLoadError carry what to do
        show_error(exc, t("lab.controls.weights"))
        return None, None
    if not resolved.pretrained:
        st.info(t("lab.weights_note", seed=settings.seed), icon=":material/casino:")
    else:
        st.success(
            t(
                "lab.weights_loaded",
                provenance=public_text(public_provenance(resolved.provenance), 300),
                model=size_label(settings.model),
            ),
            icon=":material/download_done:",
        )
    return settings, resolved
