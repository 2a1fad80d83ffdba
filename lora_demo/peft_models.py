"""The PEFT side of the settings: their ``LoraConfig``, applied to a copy of the base (or meta)."""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import torch
from peft import LoraConfig, PeftModel, TaskType, get_peft_model
from torch import nn

from .architecture import module_names
from .config import INIT_CHOICES, LoraSettings
from .errors import LoraSettingsError
from .esm import meta_model
from .loading import fresh_base
from .sources import ResolvedSource
from .target_regex import matching_names, no_match_message

META_PROVENANCE = "meta device (no weights)"


def explicit_targets(s: LoraSettings, names: Iterable[str]) -> list[str] | str:
    """``target_modules`` for PEFT: a regex becomes the list of module names it fully matches.

    PEFT would match a string with Python's backtracking ``re`` (a hostile pattern stalls the
    process); RE2 matches it here instead, so PEFT only sees exact names.
    """
    if not isinstance(s.targets, str):
        listed = list(s.targets)
        return "all-linear" if listed == ["all-linear"] else listed
    matched = list(matching_names(s.targets, names))
    if not matched:  # only if the live model differs from the architecture's names
        raise LoraSettingsError("targets", no_match_message(s.targets, s.model))
    return matched


def lora_config(
    s: LoraSettings, *, meta: bool = False, names: Iterable[str] | None = None
) -> LoraConfig:
    """PEFT ``LoraConfig`` for the settings (``meta``: replace data-dependent inits).

    A regex target is passed to PEFT as the module names it matches: ``names`` (the live
    model's ``named_modules()``), by default the architecture's.
    """
    init = True if meta else INIT_CHOICES[s.init]  # meta: same shapes, no data for SVD/QR inits
    targets = explicit_targets(s, module_names(s.model, s.head) if names is None else names)
    task = None if s.peft_task_type is None else TaskType(s.peft_task_type)
    return LoraConfig(
        r=s.r,
        lora_alpha=s.alpha,
        lora_dropout=float(s.dropout),
        target_modules=targets,
        layers_to_transform=list(s.layers) if s.layers is not None else None,
        layers_pattern="layer" if s.layers is not None else None,
        use_rslora=s.use_rslora,
        init_lora_weights=init,
        bias=s.bias,
        task_type=task,
        # Explicit, not only via the task type: PEFT 0.21 adds "classifier" to modules_to_save
        # *after* injecting LoRA, so token heads + all-linear would otherwise crash.
        modules_to_save=["classifier"] if task is not None else None,
    )


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
