"""The Lab's Weights control: sources offered, the `source` they give, the note above the tabs.

The note decides the source once per rerun (:func:`weights_note`); the panels take that decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from lora_demo import LoraSettings, LoraSettingsError, ResolvedSource, resolve_source
from lora_demo.hub_download import OFFICIAL, target_folder
from lora_demo.project_checkpoint import (
    ProjectCheckpoint,
    project_checkpoint,
    resolve_project_source,
)
from studykit.deployment import model_folder, model_folders, models_dir
from ui.core import t
from ui.lab.common import show_error, size_label
from ui.plain_text import public_text


def project_label(ckpt: ProjectCheckpoint) -> str:
    """ "Pretrained by this project on N tokens" in the page's language (the card's own label is English)."""
    tokens = ckpt.metrics.get("tokens_seen")
    if isinstance(tokens, int):
        return t("lab.controls.project_tokens", tokens=f"{tokens:,}")
    return t("lab.controls.project_no_tokens")


WEIGHT_CHOICES = (
    "random",
    "project",
    "download",
    "folder",
    "cache",
)  # project: lora_demo/checkpoints/...


@dataclass(frozen=True)
class Offered:
    """The checkpoints the Weights control found on disk for this rerun (looked up once)."""

    project: ProjectCheckpoint | None  # the shipped project checkpoint
    downloaded: Path | None  # the official checkpoint the download button fetched


def weight_choices() -> tuple[str, ...]:
    """ "Local folder" only where the admin configured a models folder (never when shared)."""
    return tuple(w for w in WEIGHT_CHOICES if w != "folder" or models_dir() is not None)


def downloaded_folder(model: str) -> Path | None:
    """The official checkpoint of `model` that the download button fetched, if it is there."""
    if model not in OFFICIAL:
        return None
    folder = target_folder(model)
    return folder if (folder / "config.json").is_file() else None


def weights_source(offered: Offered) -> str:
    """The `source` for LoraSettings from the Weights control (``offered``: found this rerun).

    A local folder is picked by name among the checkpoint folders under the configured models
    folder (`LORA_LAB_MODELS_DIR`): no typed paths, so no `~`, no probing which folders exist.
    """
    ss = st.session_state
    choice = ss.get("lab_weights", "random")
    if choice == "cache":
        return "auto"
    if choice == "project":  # this project's pretrained 8M (absolute path, or a clear error)
        ckpt = offered.project
        return str(ckpt.folder) if ckpt is not None else resolve_project_source("project")
    if choice == "download":  # the official checkpoint fetched by the download button
        folder = offered.downloaded
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


def shown_provenance(provenance: str) -> str:
    """A provenance for a Markdown element: server paths left out, escaped as literal text
    (it can name a folder on the server)."""
    return public_text(public_provenance(provenance), 300)


def weights_control() -> Offered:
    """The Weights radio (and the folder picker when "Local folder" is chosen)."""
    ss = st.session_state
    ckpt = project_checkpoint()  # looked up once per rerun, like the downloaded folder
    weight_labels = {w: t(f"lab.controls.weights_{w}") for w in WEIGHT_CHOICES}
    downloaded = downloaded_folder(str(ss.get("lab_model", "")))
    choices = [
        w
        for w in weight_choices()
        if (w != "project" or ckpt is not None) and (w != "download" or downloaded is not None)
    ]
    if ckpt is not None:
        weight_labels["project"] = t("lab.controls.weights_project", label=project_label(ckpt))
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
    return Offered(ckpt, downloaded)


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
                provenance=shown_provenance(resolved.provenance),
                model=size_label(settings.model),
            ),
            icon=":material/download_done:",
        )
    return settings, resolved
