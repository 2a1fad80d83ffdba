"""PEFT models: the settings' ``LoraConfig`` applied to a private copy of the base (or on meta)."""

from __future__ import annotations

import warnings

import torch
from peft import PeftModel, get_peft_model
from torch import nn

from .config import LoraSettings, lora_config
from .errors import LoraSettingsError
from .esm import meta_model
from .loading import fresh_base
from .sources import ResolvedSource

META_PROVENANCE = "meta device (no weights)"


def wrap(net: nn.Module, settings: LoraSettings, *, meta: bool = False) -> PeftModel:
    """``get_peft_model`` on ``net`` (mutated in place); PEFT errors become LoraSettingsError."""
    # a regex target becomes explicit names here (RE2), so PEFT never runs a user's regex
    config = lora_config(settings, meta=meta, names=[n for n, _ in net.named_modules()])
    try:
        with warnings.catch_warnings():
            # transformers 5.23 deprecation noise triggered inside PEFT; not the user's concern
            warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*")
            if meta:
                # create the LoRA layers directly on meta: no allocation, init is a no-op
                with torch.device("meta"):
                    return get_peft_model(net, config)
            return get_peft_model(net, config)
    except (ValueError, TypeError) as exc:
        text = str(exc)
        t = settings.targets
        shown = repr((t if isinstance(t, str) else ", ".join(t))[:120])
        if "not found in the base model" in text or "target_modules" in text:
            raise LoraSettingsError(
                "targets",
                f"{shown} matches no module of {settings.model}. "
                "Try names such as query, key, value, attention.output.dense, intermediate.dense, "
                "output.dense, dense, all-linear, or a regex.",
            ) from None
        if "is not supported" in text:  # e.g. "0" hits the block esm.encoder.layer.0 itself
            raise LoraSettingsError(
                "targets",
                f"{shown} matches a module LoRA cannot adapt (a whole "
                "block, a LayerNorm or an activation); target Linear layers such as query, key, "
                "value, attention.output.dense, intermediate.dense or output.dense.",
            ) from None
        raise LoraSettingsError("lora", text[:300]) from None  # PEFT's text can quote a model


def meta_peft_model(settings: LoraSettings) -> PeftModel:
    """The PEFT model of ``settings`` on the meta device: exact shapes and counts, no weights."""
    return wrap(meta_model(settings.model, settings.head, settings.num_labels), settings, meta=True)


def peft_model(
    settings: LoraSettings,
    resolved: ResolvedSource | None = None,
    *,
    device: str | None = None,
) -> tuple[PeftModel, str]:
    """A PEFT model on a private deep copy of the cached base; returns (model, provenance).

    Weights come from ``settings.source`` (``resolved``: already decided for this action);
    ``device="meta"`` in the settings gives a model without weights.
    """
    if settings.device == "meta" and device is None:
        return meta_peft_model(settings), META_PROVENANCE
    net, provenance = fresh_base(settings, resolved, device=device)
    torch.manual_seed(settings.seed)  # LoRA A init is random: seed it so runs repeat
    return wrap(net, settings), provenance
