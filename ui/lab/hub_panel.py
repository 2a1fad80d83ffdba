"""Download button for the official ESM-2 8M / 35M checkpoints (users with a network).

Nothing is fetched unless the user clicks. The download shows per-file progress; when it is done
the Weights control is switched to that folder on the next run (widgets cannot change after they
are drawn, so the choice waits in `PENDING` until :func:`apply_pending_download`).
"""

from __future__ import annotations

import streamlit as st

from lora_demo.hub_download import OFFICIAL, download_official
from ui.core import t
from ui.lab.common import guarded

PENDING = "lab_hub_pending"


def apply_pending_download() -> None:
    """Call before the controls are drawn: point the Weights control at a finished download."""
    path = st.session_state.pop(PENDING, None)
    if path:
        st.session_state["lab_weights"] = "download"  # the folder is known: no typed path
        st.session_state["lab_hub_done"] = path


def _want() -> None:
    st.session_state["lab_hub_want"] = True


def hub_panel(model: str) -> None:
    done = st.session_state.pop("lab_hub_done", None)
    if done:
        st.success(t("lab.hub.done", path=done), icon=":material/download_done:")
    if model not in OFFICIAL:
        st.caption(t("lab.hub.sizes"))
        return
    hub_id = OFFICIAL[model]
    st.button(
        t("lab.hub.button", hub_id=hub_id),
        key="lab_hub_go",
        icon=":material/download:",
        on_click=_want,
    )
    if not st.session_state.pop("lab_hub_want", False):
        return
    bar = st.progress(0.0, text=t("lab.hub.starting", hub_id=hub_id))

    def on_progress(name: str, done_files: int, total: int) -> None:
        bar.progress(
            done_files / total,
            text=t("lab.hub.progress", file=name or "✓", done=done_files, total=total),
        )

    with guarded(t("lab.hub.what")):
        path = download_official(model, on_progress=on_progress)
        st.session_state[PENDING] = str(path)
        st.rerun()
