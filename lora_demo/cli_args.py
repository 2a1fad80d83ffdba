"""Command-line arguments shared by the subcommands, with defaults read from ``LoraSettings``.

Light on purpose: parsing and checking arguments imports neither torch nor PEFT, so a bad
argument is refused at once (exit code 2) before any heavy module loads.
"""

from __future__ import annotations

import argparse

from .architecture import HEADS, MODEL_NAMES, resolve_model_name
from .config import DEFAULT_SETTINGS, LoraSettings
from .errors import LoraSettingsError
from .presets import parse_targets
from .project_checkpoint import resolve_project_source

D = DEFAULT_SETTINGS


def comma_list(text: str) -> list[str]:
    """``"a, b,,c"`` -> ``["a", "b", "c"]``."""
    return [x.strip() for x in text.split(",") if x.strip()]


def checked_choices(setting: str, text: str, allowed: tuple[str, ...]) -> list[str]:
    """A comma list whose every item is one of ``allowed``, else LoraSettingsError(setting)."""
    items = [x.strip() for x in text.split(",")]
    for item in items:
        if item not in allowed:
            raise LoraSettingsError(setting, f"{item!r}; allowed: {', '.join(allowed)}")
    return items


def _layers(text: str | None) -> tuple[int, ...] | None:
    if not text:
        return None
    try:
        return tuple(int(x) for x in text.split(","))
    except ValueError:
        raise LoraSettingsError(
            "layers", f"{text!r} must be comma-separated layer numbers, e.g. 4,5"
        ) from None


def _model(text: str) -> str:
    try:
        return resolve_model_name(text).short
    except KeyError:
        raise LoraSettingsError(
            "model",
            f"unknown model {text!r}; allowed: {', '.join(MODEL_NAMES)} or their Hugging Face ids",
        ) from None


def add_model(p: argparse.ArgumentParser, *, short_names_only: bool = False) -> None:
    if short_names_only:
        p.add_argument("--model", default=D.model, choices=MODEL_NAMES)
    else:
        p.add_argument("--model", default=D.model, help="short name or Hugging Face id")


def add_seed(p: argparse.ArgumentParser, help_text: str | None = None) -> None:
    p.add_argument("--seed", type=int, default=D.seed, help=help_text)


def add_source(p: argparse.ArgumentParser, help_text: str) -> None:
    p.add_argument("--source", default=D.source, help=help_text)


def add_json(p: argparse.ArgumentParser, help_text: str = "machine-readable output") -> None:
    p.add_argument("--json", action="store_true", help=help_text)


def source_from_args(a: argparse.Namespace) -> str:
    """``--source``, with ``project`` meaning this project's pretrained checkpoint folder."""
    return resolve_project_source(a.source)


def add_lora_args(p: argparse.ArgumentParser) -> None:
    """The options every LoRA subcommand takes; defaults are ``LoraSettings()``'s."""
    add_model(p)
    p.add_argument("--head", default=D.head, choices=HEADS)
    p.add_argument("--r", type=int, default=D.r)
    p.add_argument("--alpha", type=float, default=D.alpha)
    p.add_argument("--dropout", type=float, default=D.dropout)
    default_targets = D.targets if isinstance(D.targets, str) else ",".join(D.targets)
    p.add_argument("--targets", default=default_targets, help="comma-separated names, or one regex")
    p.add_argument(
        "--layers", default=None, help="comma-separated layer indices (layers_to_transform)"
    )
    p.add_argument("--rslora", action="store_true")
    p.add_argument("--init", default=D.init)
    p.add_argument("--bias", default=D.bias)
    p.add_argument("--num-labels", type=int, default=D.num_labels)
    p.add_argument("--task-type", default=D.task_type, help="auto (from the head) or none")
    add_seed(p)
    add_source(
        p,
        "weights: random (default, offline), project (this project's pretrained 8M), auto "
        "(Hugging Face cache only), a checkpoint folder, or a hub id (the only value that may use "
        "the network)",
    )
    add_json(p)


def settings_from_args(a: argparse.Namespace, **fixed: object) -> LoraSettings:
    """The settings the options describe (checked once, here); ``fixed`` overrides options."""
    fields: dict[str, object] = {
        "model": _model(a.model),
        "head": a.head,
        "r": a.r,
        "alpha": a.alpha,
        "dropout": a.dropout,
        "targets": parse_targets(a.targets),
        "layers": _layers(a.layers),
        "use_rslora": a.rslora,
        "init": a.init,
        "bias": a.bias,
        "num_labels": a.num_labels,
        "task_type": a.task_type,
        "seed": a.seed,
        "source": source_from_args(a),
    }
    return LoraSettings(**{**fields, **fixed})  # type: ignore[arg-type]
