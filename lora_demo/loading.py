"""Base models: random architecture-exact init, local folders, the offline HF cache; PEFT wrapping.

The cached base model is never mutated: :func:`peft_model` always wraps a deep copy, because
``get_peft_model`` edits the model in place and concurrent UI sessions must not share adapters.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import torch
from peft import PeftModel, get_peft_model
from torch import nn

from .adapters import LoraSettings, LoraSettingsError, lora_config, source_kind
from .esm import _HEAD_CLASSES, DTYPES, EsmSpec, build_model, esm_config, resolve_model_name


class ModelLoadError(RuntimeError):
    """A checkpoint could not be loaded; the message says what to do."""


@dataclass(frozen=True)
class LoadedBase:
    """A base model and where its weights came from."""

    model: nn.Module
    provenance: str
    pretrained: bool


def _weights_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.safetensors")) or sorted(folder.glob("pytorch_model*.bin"))


def find_local_checkpoint(model: str) -> Path | None:
    """Snapshot folder of ``model`` in the Hugging Face cache, if present (no network)."""
    hub_id = resolve_model_name(model).hub_id
    try:
        from huggingface_hub import snapshot_download

        path = Path(snapshot_download(hub_id, local_files_only=True))
    except Exception:  # not cached (LocalEntryNotFoundError) or hub lib unavailable
        return None
    return path if (path / "config.json").exists() and _weights_in(path) else None


def random_provenance(seed: int) -> str:
    return f"architecture-exact, random weights (seed {seed})"


def _check_folder(folder: Path) -> None:
    """config.json and weights present, else a ModelLoadError that says what to do."""
    if not (folder / "config.json").is_file():
        raise ModelLoadError(
            f"{folder} has no config.json; it must be a saved ESM-2 checkpoint folder "
            "(model.save_pretrained(folder) writes config.json + model.safetensors)."
        )
    if not _weights_in(folder):
        raise ModelLoadError(
            f"{folder} has no *.safetensors weights; "
            "save it with save_pretrained(safe_serialization=True)."
        )


_ARCH_FIELDS = ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads")


def check_folder_config(folder: Path, spec: EsmSpec) -> None:
    """The folder's config.json has the architecture of ``spec``, else LoraSettingsError(source)."""
    try:
        cfg = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelLoadError(
            f"{folder / 'config.json'} is not readable JSON ({exc}); "
            "save the checkpoint again with save_pretrained()."
        ) from exc
    want = esm_config(spec.short).to_dict()
    want["intermediate_size"] = spec.intermediate
    fields = (*_ARCH_FIELDS, "intermediate_size")
    diff = {k: (cfg.get(k), want[k]) for k in fields if cfg.get(k) != want[k]}
    if cfg.get("model_type", "esm") != "esm":
        diff["model_type"] = (cfg.get("model_type"), "esm")
    if diff:
        found = ", ".join(f"{k}={a!r} (expected {b!r})" for k, (a, b) in diff.items())
        raise LoraSettingsError(
            "source",
            f"the checkpoint in {folder} is not {spec.short}: {found}. "
            "Choose the model size that matches the checkpoint, or another folder.",
        )


def _from_folder(folder: Path, head: str, num_labels: int, seed: int = 0) -> nn.Module:
    _check_folder(folder)
    cls = _HEAD_CLASSES[head]
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


def _no_cache_error(spec: EsmSpec) -> ModelLoadError:
    return ModelLoadError(
        f"{spec.hub_id} is not in the Hugging Face cache on this machine (nothing is downloaded). "
        f"On a machine with internet run `huggingface-cli download {spec.hub_id}` and copy the "
        "cache (or the snapshot folder) here, pass the folder path as source, "
        "or use source='random'."
    )


def resolve_source(settings: LoraSettings) -> tuple[str, str]:
    """``(source to load, provenance)`` for validated settings, without loading weights.

    ``"auto"`` becomes the cached snapshot folder (or a ModelLoadError saying what to do); a folder
    is checked for config.json, weights and a config that matches ``settings.model``. Never uses
    the network; a hub id is passed through (only :func:`load_base` may fetch it).
    """
    s = settings
    spec = resolve_model_name(s.model)
    src = s.source
    kind = source_kind(src)
    if kind == "random":
        return "random", random_provenance(s.seed)
    if kind == "hub":
        return src, f"pretrained checkpoint from {src} (Hugging Face)"
    if kind == "auto":
        cached = find_local_checkpoint(spec.short)
        if cached is None:
            raise _no_cache_error(spec)
        folder = cached
    else:
        folder = Path(src).expanduser()
        if not folder.is_dir():
            raise LoraSettingsError(
                "source", f"the folder {src!r} does not exist; give a checkpoint folder path"
            )
    _check_folder(folder)
    check_folder_config(folder, spec)
    return str(folder), f"pretrained checkpoint from {folder}"


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
    """Load a base model.

    ``source``: ``"random"`` (architecture-exact, seeded random weights), ``"auto"`` (the offline HF
    cache if the checkpoint is there, else random; ``LoraSettings(source="auto")`` is stricter and
    raises instead), a local folder (config.json + safetensors, config checked against ``model``),
    or a hub id (the only case that may use the network, and only if HF_HUB_OFFLINE /
    TRANSFORMERS_OFFLINE are not set).
    """
    spec = resolve_model_name(model)
    if source == "auto":
        cached = find_local_checkpoint(spec.short)
        source = str(cached) if cached else "random"
    if source == "random":
        net = build_model(spec.short, head, num_labels, seed=seed)
        loaded = LoadedBase(net, random_provenance(seed), False)
    elif Path(source).expanduser().is_dir():
        folder = Path(source).expanduser()
        _check_folder(folder)
        check_folder_config(folder, spec)
        loaded = LoadedBase(
            _from_folder(folder, head, num_labels, seed),
            f"pretrained checkpoint from {folder}",
            True,
        )
    elif source_kind(source) == "hub":
        loaded = _from_hub(source, head, num_labels)
    else:
        raise ModelLoadError(
            f"source {source!r} is neither 'random', 'auto', an existing folder nor a hub id. "
            "Pass a folder containing config.json and model.safetensors."
        )
    net = loaded.model.to(device=device, dtype=DTYPES[dtype])
    return LoadedBase(net.eval(), loaded.provenance, loaded.pretrained)


def _from_hub(hub_id: str, head: str, num_labels: int) -> LoadedBase:
    """Explicit hub id: the user asked for it, so the network may be used unless offline is set."""
    offline = any(
        os.environ.get(var, "0").strip().lower() not in ("0", "", "false", "no", "off")
        for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )
    cls = _HEAD_CLASSES[head]
    try:
        net = cls.from_pretrained(hub_id, num_labels=num_labels, local_files_only=offline)
    except Exception as exc:
        raise ModelLoadError(
            f"could not load {hub_id!r} ({type(exc).__name__}). "
            "Offline machines cannot reach the hub: download it elsewhere with "
            "huggingface-cli download, copy the folder here and pass its path, "
            "or use source='random'."
        ) from exc
    return LoadedBase(net.eval(), f"pretrained checkpoint from {hub_id} (Hugging Face)", True)


_BASE_LOCK = threading.Lock()


@functools.lru_cache(maxsize=8)
def _cached_base(
    model: str, head: str, num_labels: int, source: str, seed: int, dtype: str, device: str
):
    loaded = load_base(model, head, num_labels, source, seed=seed, dtype=dtype, device=device)
    for p in loaded.model.parameters():
        p.requires_grad_(False)  # read-only by convention; copies re-enable what they train
    return loaded


def cached_base(
    model: str,
    head: str = "seq",
    num_labels: int = 2,
    source: str = "random",
    *,
    seed: int = 0,
    dtype: str = "float32",
    device: str = "cpu",
) -> LoadedBase:
    """Shared base model, built once per key. Never mutate it: use :func:`peft_model` or copy it."""
    with _BASE_LOCK:
        return _cached_base(
            resolve_model_name(model).short, head, num_labels, source, seed, dtype, device
        )


def fresh_base(settings: LoraSettings, source: str | None = None) -> tuple[nn.Module, str]:
    """Deep copy of the cached base for ``settings`` (all params trainable) and its provenance.

    ``source`` overrides ``settings.source`` (kept for older callers).
    """
    s = settings.normalized()
    if source is not None:
        s = s.with_(source=source).normalized()
    resolved, _ = resolve_source(s)
    device = resolve_device(s.device)
    base = cached_base(
        s.model, s.head, s.num_labels, resolved, seed=s.seed, dtype=s.dtype, device=device
    )
    net = copy.deepcopy(base.model)
    for p in net.parameters():
        p.requires_grad_(True)
    return net, base.provenance


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


def wrap(net: nn.Module, settings: LoraSettings, *, meta: bool = False) -> PeftModel:
    """``get_peft_model`` on ``net`` (mutated in place); PEFT errors become LoraSettingsError."""
    # a regex target becomes explicit names here (RE2), so PEFT never runs a user's regex
    config = lora_config(settings, meta=meta, module_names=[n for n, _ in net.named_modules()])
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
        if "not found in the base model" in text or "target_modules" in text:
            raise LoraSettingsError(
                "targets",
                f"{str(settings.targets)[:120]!r} matches no module of {settings.spec.short}. "
                "Try names such as query, key, value, attention.output.dense, intermediate.dense, "
                "output.dense, dense, all-linear, or a regex.",
            ) from None
        raise LoraSettingsError("lora", text) from None


def peft_model(settings: LoraSettings, source: str | None = None) -> tuple[PeftModel, str]:
    """A PEFT model on a private deep copy of the cached base; returns (model, provenance).

    Weights come from ``settings.source`` (or ``source`` if given); ``device="meta"`` has none.
    """
    s = settings.normalized()
    if s.device == "meta":
        from .esm import meta_model

        return wrap(
            meta_model(s.model, s.head, s.num_labels), s, meta=True
        ), "meta device (no weights)"
    net, provenance = fresh_base(s, source)
    torch.manual_seed(s.seed)  # LoRA A init is random: seed it so runs repeat
    return wrap(net, s), provenance


def config_for(model: str, head: str = "seq", num_labels: int = 2):
    """Exact ``EsmConfig`` (re-exported for convenience)."""
    return esm_config(model, head, num_labels)
