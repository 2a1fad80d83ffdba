"""Shared helpers of the Lab panels: size limits, error reporting, number formatting."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import streamlit as st
import torch

from lora_demo import SPECS, LoraSettingsError, ModelLoadError, TaskFileError
from lora_demo.background import TrainingProcessDied
from ui.core import t
from ui.plain_text import md_text, public_text

LOG = logging.getLogger("lora_lab")
# Sizes that can hold real weights on this CPU machine; larger ones are counted on the meta device.
LIVE_SIZES = ("esm2_t6_8M", "esm2_t12_35M")
SIZE_LABELS = {
    "esm2_t6_8M": "8M",
    "esm2_t12_35M": "35M",
    "esm2_t30_150M": "150M",
    "esm2_t33_650M": "650M",
    "esm2_t36_3B": "3B",
    "esm2_t48_15B": "15B",
}


def size_label(model: str) -> str:
    spec = SPECS[model]
    return f"{SIZE_LABELS[model]} · {spec.layers}L × {spec.hidden}"


def is_live(model: str) -> bool:
    return model in LIVE_SIZES


def show_error(exc: BaseException, what: str) -> None:
    """A clear message on the page for `exc`; the traceback goes to the server log only."""
    if isinstance(exc, LoraSettingsError):
        st.error(
            t(
                "lab.error.settings",
                message=public_text(exc.message, 300),
                setting=md_text(exc.setting, 40),
            ),
            icon=":material/tune:",
        )
    elif isinstance(exc, TaskFileError):
        st.error(t("lab.error.upload", message=md_text(exc, 300)), icon=":material/upload_file:")
    elif isinstance(exc, torch.cuda.OutOfMemoryError | MemoryError):
        LOG.warning("out of memory during %s", what)
        st.error(t("lab.error.oom", what=what), icon=":material/memory:")
    elif isinstance(exc, TrainingProcessDied):
        LOG.warning("training process died: %s", exc)
        st.error(
            t("lab.error.process_died", what=what, code=str(exc.exitcode)),
            icon=":material/memory:",
        )
    elif isinstance(exc, ModelLoadError):
        st.error(t("lab.error.load", message=public_text(exc, 300)), icon=":material/cloud_off:")
    else:
        LOG.exception("lab panel %s failed", what, exc_info=exc)
        st.error(
            t("lab.error.generic", what=what, kind=type(exc).__name__), icon=":material/error:"
        )


@contextlib.contextmanager
def guarded(what: str) -> Iterator[None]:
    """Run a panel body; any error becomes a message (Streamlit's rerun/stop signals pass through)."""
    try:
        yield
    except Exception as exc:  # a panel must never show a traceback
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
        show_error(exc, what)


def fmt_int(n: int) -> str:
    return f"{n:,}"


def fmt_bytes(n: float) -> str:
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if abs(n) >= size:
            return f"{n / size:,.2f} {unit}"
    return f"{int(n)} B"


def settings_key(settings: object) -> str:
    """A hashable cache key: the dataclass repr (every field that defines the model)."""
    return repr(settings)


def metric_row(n: int) -> list:
    """`n` cells for headline numbers that wrap onto a new line instead of being cut ("7,677,…")
    when the Lab's right column is narrow (1280 px with the sidebar open): st.columns gives each
    a fixed quarter of the width, these size to their content."""
    row = st.container(horizontal=True, gap="large")
    return [row.container(width="content") for _ in range(n)]
