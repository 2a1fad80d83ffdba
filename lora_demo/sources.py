"""Where a model's weights come from: the one place that decides a ``source`` (no weights loaded).

``random`` (seeded, architecture-exact), ``auto`` (the offline Hugging Face cache), a local
checkpoint folder (config.json checked against the model size) or an explicit hub id. Every loader
takes the :class:`ResolvedSource` made here, so a checkpoint's config.json is read once per action.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .architecture import VOCAB_SIZE, EsmSpec, resolve_model_name
from .errors import LoraSettingsError, ModelLoadError

if TYPE_CHECKING:
    from .config import LoraSettings

_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")
_ARCH_FIELDS = ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads")


@dataclass(frozen=True)
class ResolvedSource:
    """A decided source: ``kind`` "random", "folder" or "hub"; ``location`` what to load."""

    kind: str
    location: str  # "random", a checkpoint folder (absolute or as given) or a hub id
    provenance: str  # shown to users: where the weights come from
    config_checked: bool = False  # a folder's config.json matched the model's architecture

    @property
    def pretrained(self) -> bool:
        return self.kind != "random"


def source_kind(source: str) -> str:
    """``"random"``, ``"auto"``, ``"folder"`` or ``"hub"`` (no file is read, nothing is fetched).

    Anything that looks like a path (absolute, ``./``, ``~``, or an existing folder) is a folder;
    only a bare ``owner/name`` that is not a folder here is a hub id.
    """
    if source in ("random", "auto"):
        return source
    if source.startswith(("/", ".", "~", "\\")) or Path(source).expanduser().is_dir():
        return "folder"
    if _HUB_ID.fullmatch(source) and source.count("/") == 1:
        return "hub"
    return "folder"


def random_provenance(seed: int) -> str:
    return f"architecture-exact, random weights (seed {seed})"


def weights_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.safetensors")) or sorted(folder.glob("pytorch_model*.bin"))


def find_local_checkpoint(model: str) -> Path | None:
    """Snapshot folder of ``model`` in the Hugging Face cache, if present (no network)."""
    hub_id = resolve_model_name(model).hub_id
    try:
        from huggingface_hub import snapshot_download

        path = Path(snapshot_download(hub_id, local_files_only=True))
    except Exception:  # not cached (LocalEntryNotFoundError) or hub lib unavailable
        return None
    return path if (path / "config.json").exists() and weights_in(path) else None


def check_folder(folder: Path) -> None:
    """config.json and weights present, else a ModelLoadError that says what to do."""
    if not (folder / "config.json").is_file():
        raise ModelLoadError(
            f"{folder} has no config.json; it must be a saved ESM-2 checkpoint folder "
            "(model.save_pretrained(folder) writes config.json + model.safetensors)."
        )
    if not weights_in(folder):
        raise ModelLoadError(
            f"{folder} has no *.safetensors weights; "
            "save it with save_pretrained(safe_serialization=True)."
        )


def check_folder_config(folder: Path, spec: EsmSpec) -> None:
    """The folder's config.json has the architecture of ``spec``, else LoraSettingsError(source)."""
    try:
        cfg = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelLoadError(
            f"{folder / 'config.json'} is not readable JSON ({exc}); "
            "save the checkpoint again with save_pretrained()."
        ) from exc
    want: dict[str, object] = dict(
        zip(_ARCH_FIELDS, (VOCAB_SIZE, spec.hidden, spec.layers, spec.heads), strict=True)
    )
    want["intermediate_size"] = spec.intermediate
    want["model_type"] = "esm"
    diff = {k: (cfg.get(k, "esm" if k == "model_type" else None), v) for k, v in want.items()}
    diff = {k: (got, v) for k, (got, v) in diff.items() if got != v}
    if cfg.get("model_type", "esm") != "esm":
        diff["model_type"] = (cfg.get("model_type"), "esm")
    if diff:
        found = ", ".join(f"{k}={a!r} (expected {b!r})" for k, (a, b) in diff.items())
        raise LoraSettingsError(
            "source",
            f"the checkpoint in {folder} is not {spec.short}: {found}. "
            "Choose the model size that matches the checkpoint, or another folder.",
        )


def _no_cache_error(spec: EsmSpec) -> ModelLoadError:
    return ModelLoadError(
        f"{spec.hub_id} is not in the Hugging Face cache on this machine (nothing is downloaded). "
        f"On a machine with internet run `huggingface-cli download {spec.hub_id}` and copy the "
        "cache (or the snapshot folder) here, pass the folder path as source, "
        "or use source='random'."
    )


def resolve_weights(
    model: str, source: str, seed: int = 0, *, auto_falls_back: bool = False
) -> ResolvedSource:
    """Decide ``source`` for ``model`` without loading weights or using the network.

    ``"auto"`` becomes the cached snapshot folder; when nothing is cached it is a ModelLoadError
    saying what to do, or (``auto_falls_back``, for :func:`lora_demo.loading.load_base`) random
    weights whose provenance says the cache was empty. A folder is checked for config.json,
    weights and a config that matches ``model``. A hub id is passed through (only the loader may
    fetch it).
    """
    return _resolve(resolve_model_name(model), source, seed, auto_falls_back)


def resolve_source(settings: LoraSettings) -> ResolvedSource:
    """:func:`resolve_weights` for settings (strict ``"auto"``: an uncached model is an error)."""
    return _resolve(settings.spec, settings.source, settings.seed, False)


def _resolve(spec: EsmSpec, source: str, seed: int, auto_falls_back: bool) -> ResolvedSource:
    kind = source_kind(source)
    if kind == "random":
        return ResolvedSource("random", "random", random_provenance(seed))
    if kind == "hub":
        return ResolvedSource("hub", source, f"pretrained checkpoint from {source} (Hugging Face)")
    if kind == "auto":
        cached = find_local_checkpoint(spec.short)
        if cached is None and auto_falls_back:
            note = f"; 'auto' found no cached {spec.short} checkpoint"
            return ResolvedSource("random", "random", random_provenance(seed) + note)
        if cached is None:
            raise _no_cache_error(spec)
        folder = cached
    else:
        folder = Path(source).expanduser()
        if not folder.is_dir():
            raise LoraSettingsError(
                "source", f"the folder {source!r} does not exist; give a checkpoint folder path"
            )
    check_folder(folder)
    check_folder_config(folder, spec)
    return ResolvedSource("folder", str(folder), f"pretrained checkpoint from {folder}", True)
