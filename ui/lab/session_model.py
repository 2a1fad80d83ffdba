"""This session's own PEFT model (real weights, small sizes only).

`get_peft_model` changes a model in place, so the shared cached base must never be wrapped.
`lora_demo.peft_model` wraps a private deep copy; we keep that copy in `st.session_state`, so two
sessions with different settings never see each other's adapters, and the cached base stays as it was.
"""

from __future__ import annotations

import streamlit as st
import torch

from lora_demo import LoraSettings, peft_model
from ui.core import t
from ui.lab.common import settings_key
from ui.lab.weights import shown_provenance

STATE_KEY = "lab_session_peft"


def session_peft(settings: LoraSettings):
    """(PeftModel, provenance) for `settings`, built once per settings change in this session."""
    key = settings_key(settings)  # the Lab's devices are cpu/cuda, never meta
    held = st.session_state.get(STATE_KEY)
    if held is None or held[0] != key:
        st.session_state.pop(STATE_KEY, None)  # drop the old copy before building the next one
        model, provenance = peft_model(settings)
        held = (key, model, provenance)
        st.session_state[STATE_KEY] = held
    return held[1], held[2]


def release() -> None:
    st.session_state.pop(STATE_KEY, None)


def adapted_layer_view(settings: LoraSettings) -> None:
    """Toggle: build this session's real PEFT model and show one adapted layer as PEFT prints it."""
    if not st.toggle(t("lab.matched.layer_toggle"), key="lab_show_layer"):
        release()
        return
    model, provenance = session_peft(settings)
    name, layer = next((n, m) for n, m in model.named_modules() if getattr(m, "lora_A", None))
    a = layer.lora_A["default"].weight
    b = layer.lora_B["default"].weight
    st.markdown(f"**{t('lab.matched.layer_title')}** `{name.removeprefix('base_model.model.')}`")
    st.code(repr(layer), language=None)
    with torch.no_grad():
        b_zero = bool((b == 0).all())
    st.caption(
        t(
            "lab.matched.layer_facts",
            a=tuple(a.shape),
            b=tuple(b.shape),
            bzero="✓" if b_zero else "✗",
            prov=shown_provenance(provenance),
        )
    )
