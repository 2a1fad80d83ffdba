"""Base models: seeded random init, local folders, the offline HF cache or a hub id, cached once.

Loaders take a :class:`~lora_demo.sources.ResolvedSource` (decided once by
:mod:`lora_demo.sources`). The cached base model is never mutated: :func:`fresh_base` hands out a
deep copy, because ``get_peft_model`` edits a model in place and UI sessions must not share adapters.
"""

from __future__ import annotations

import copy
import functools
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from .architecture import resolve_model_name
from .config import LoraSettings
from .errors import LoraSettingsError, ModelLoadError
from .esm import DTYPES, HEAD_CLASSES, build_model
from .sources import ResolvedSource, check_folder, resolve_source, resolve_weights


@dataclass(frozen=True)
class LoadedBase:
    """A base model and where its weights came from."""

    model: nn.Module
    provenance: str
    pretrained: bool


def _from_folder(folder: Path, head: str, num_labels: int, seed: int = 0) -> nn.Module:
    check_folder(folder)
    cls = HEAD_CLASSES[head]
    gen_state = torch.random.get_rng_state()
    try:
        torch.manual_seed(seed)  # a head missing from the checkpoint gets a repeatable init
        # local_files_only: never touch the network; weights_only loading is transformers' default
        return cls.from_pretrained(
            str(folder), num_labels=num_labels, local_files_only=True, use_safetensors=None
        ).eval()
    except Exception as exc:
        raise ModelLoadError(
            f"could not load the checkpoint in {folder} ({type(exc).__name__}: {exc}). "
            "The weights file may be corrupt or incomplete: save it again with "
            "save_pretrained(safe_serialization=True), or use source='random'."
        ) from exc
    finally:
        torch.random.set_rng_state(gen_state)


def _from_hub(hub_id: str, head: str, num_labels: int) -> nn.Module:
    """Explicit hub id: the user asked for it, so the network may be used unless offline is set."""
    offline = any(
        os.environ.get(var, "0").strip().lower() not in ("0", "", "false", "no", "off")
        for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )
    cls = HEAD_CLASSES[head]
    try:
        return cls.from_pretrained(hub_id, num_labels=num_labels, local_files_only=offline).eval()
    except Exception as exc:
        raise ModelLoadError(
            f"could not load {hub_id!r} ({type(exc).__name__}). "
            "Offline machines cannot reach the hub: download it elsewhere with "
            "huggingface-cli download, copy the folder here and pass its path, "
            "or use source='random'."
        ) from exc


def load_resolved(
    resolved: ResolvedSource,
    model: str,
    head: str = "seq",
    num_labels: int = 2,
    *,
    seed: int = 0,
    dtype: str = "float32",
    device: str = "cpu",
) -> LoadedBase:
    """Load the weights that :mod:`lora_demo.sources` decided on (no second check of the folder)."""
    if resolved.kind == "random":
        net = build_model(resolve_model_name(model).short, head, num_labels, seed=seed)
    elif resolved.kind == "folder":
        net = _from_folder(Path(resolved.location), head, num_labels, seed)
    else:
        net = _from_hub(resolved.location, head, num_labels)
    net = net.to(device=device, dtype=DTYPES[dtype])
    return LoadedBase(net.eval(), resolved.provenance, resolved.pretrained)


def load_base(
    model: str,
    head: str = "seq",
    num_labels: int = 2,
    source: str = "random",
    *,
    seed: int = 0,
    dtype: str = "float32",
    device: str = "cpu",
) -> LoadedBase:
    """Load a base model from ``source`` (see :func:`lora_demo.sources.resolve_weights`).

    Here ``"auto"`` with nothing cached gives random weights, and the provenance says so;
    ``LoraSettings(source="auto")`` is stricter and raises instead.
    """
    resolved = resolve_weights(model, source, seed, auto_falls_back=True)
    return load_resolved(resolved, model, head, num_labels, seed=seed, dtype=dtype, device=device)


_BASE_LOCK = threading.Lock()


@functools.lru_cache(maxsize=8)
def _cached_base(
    model: str,
    head: str,
    num_labels: int,
    resolved: ResolvedSource,
    seed: int,
    dtype: str,
    device: str,
) -> LoadedBase:
    loaded = load_resolved(resolved, model, head, num_labels, seed=seed, dtype=dtype, device=device)
    for p in loaded.model.parameters():
        p.requires_grad_(False)  # read-only by convention; copies re-enable what they train
    return loaded


def cached_base(
    model: str,
    head: str = "seq",
    num_labels: int = 2,
    resolved: ResolvedSource | None = None,
    *,
    seed: int = 0,
    dtype: str = "float32",
    device: str = "cpu",
) -> LoadedBase:
    """Shared base model, built once per key. Never mutate it: use :func:`fresh_base` or copy it.

    ``resolved``: the decided source (default: random weights for ``seed``).
    """
    short = resolve_model_name(model).short
    resolved = resolved or resolve_weights(short, "random", seed)
    with _BASE_LOCK:
        return _cached_base(short, head, num_labels, resolved, seed, dtype, device)


def resolve_device(device: str) -> str:
    """``"auto"`` -> CUDA/MPS/CPU; a CUDA request without a GPU is a settings error."""
    if device == "auto":
        from .esm import default_device

        return default_device()
    if device == "cuda" and not torch.cuda.is_available():
        raise LoraSettingsError(
            "device", "CUDA was requested but no GPU is available; use cpu or auto"
        )
    return device


def fresh_base(
    settings: LoraSettings,
    resolved: ResolvedSource | None = None,
    *,
    device: str | None = None,
) -> tuple[nn.Module, str]:
    """Deep copy of the cached base for ``settings`` (all params trainable) and its provenance.

    ``resolved``: the source already decided for this action (else it is decided here);
    ``device``: an already resolved device (else ``settings.device``, "auto" resolved).
    """
    s = settings
    resolved = resolved or resolve_source(s)
    device = device or resolve_device(s.device)
    base = cached_base(
        s.model, s.head, s.num_labels, resolved, seed=s.seed, dtype=s.dtype, device=device
    )
    net = copy.deepcopy(base.model)
    for p in net.parameters():
        p.requires_grad_(True)
    return net, resolved.provenance
