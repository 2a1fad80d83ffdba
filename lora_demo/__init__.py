"""lora_demo: LoRA on ESM-2 as a library and CLI (counts, merges, probes, training, memory).

Every number comes from a real PEFT model or is checked against one. Nothing here imports
streamlit or reaches the network unless a hub id is passed explicitly. Names load on first use
(PEP 562), so ``import lora_demo`` and the CLI's argument checks stay fast: torch, transformers
and PEFT are imported only by the modules that need them.

Public API (see README.md in this folder)::

    from lora_demo import LoraSettings, count, merge_check, run_comparison

    s = LoraSettings(model="esm2_t6_8M", head="seq", r=8, alpha=16, targets=("query", "value"))
    # an invalid setting raises LoraSettingsError(setting, message), a ValueError, right here
    c = count(s)                      # meta device: exact for every size up to 15B
    c.trainable, c.total, c.percent, c.peft_line, c.formula_trainable, c.matched_modules, c.pitfalls
    merge_check(s, ("float32", "bfloat16")).rows          # max/mean |Δ| + verdicts
    init_and_gradients(s); dropout_placement(0.5, s)      # measured init/gradient/dropout facts
    run_comparison("net-charge", on_step=print, should_stop=lambda: False)
    estimate("esm2_t33_650M", "qlora", "bfloat16", batch_size=8, seq_len=512)

Models: ``esm2_t6_8M`` ... ``esm2_t48_15B`` (or hub ids); heads ``mlm``, ``seq``, ``token``.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

# module -> the public names it defines (imported on first use)
_EXPORTS: dict[str, tuple[str, ...]] = {
    "architecture": ("DTYPE_NAMES", "HEADS", "MODEL_NAMES", "SPECS"),
    "closed_form": ("ModuleRow",),
    "config": ("BIAS_CHOICES", "DEFAULT_SETTINGS", "INIT_CHOICES", "LoraSettings"),
    "counting": ("CountResult", "Pitfall", "count", "trainable_vs_r"),
    "errors": (
        "LoraSettingsError",
        "ModelLoadError",
        "PretrainError",
        "SequenceFileError",
        "TaskFileError",
    ),
    "esm": ("build_model", "default_device", "esm_config", "supported_dtypes", "tokenizer"),
    "experiments": ("EXPERIMENTS", "Experiment", "get_experiment"),
    "loading": ("LoadedBase", "cached_base", "fresh_base", "load_base"),
    "memory": ("MemoryEstimate", "estimate", "estimate_table", "measure_gpu"),
    "merge": ("TOLERANCES", "MergeReport", "MergeRow", "merge_check"),
    "peft_models": ("lora_config", "peft_model"),
    "presets": ("TARGET_PRESETS", "TargetPreset", "targets_from_presets"),
    "probes": ("DropoutReport", "InitGradReport", "dropout_placement", "init_and_gradients"),
    "sources": ("ResolvedSource", "resolve_source"),
    "tasks": ("TASKS", "ProteinTask", "make_task"),
    "user_tasks": ("load_user_task",),
    "train": ("RunResult", "RunSpec", "StepReport", "default_runs", "run_comparison", "train"),
}
_HOMES = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = [
    "BIAS_CHOICES", "DEFAULT_SETTINGS", "DTYPE_NAMES", "EXPERIMENTS", "HEADS", "INIT_CHOICES",
    "MODEL_NAMES", "SPECS", "TARGET_PRESETS", "TASKS", "TOLERANCES", "CountResult",
    "DropoutReport", "Experiment", "InitGradReport", "LoadedBase", "LoraSettings",
    "LoraSettingsError", "MemoryEstimate", "MergeReport", "MergeRow", "ModelLoadError",
    "ModuleRow", "Pitfall", "PretrainError", "ProteinTask", "ResolvedSource", "RunResult",
    "RunSpec", "SequenceFileError", "StepReport", "TargetPreset", "TaskFileError", "build_model",
    "cached_base", "count", "default_device", "default_runs", "dropout_placement", "esm_config",
    "estimate", "estimate_table", "fresh_base", "get_experiment", "init_and_gradients",
    "load_base", "load_user_task", "lora_config", "make_task", "measure_gpu", "merge_check",
    "peft_model", "resolve_source", "run_comparison", "supported_dtypes", "targets_from_presets",
    "tokenizer", "train", "trainable_vs_r",
]  # fmt: skip


class _Package(types.ModuleType):
    """Keeps a public name bound to its object when a submodule of the same name is imported.

    Importing ``lora_demo.train`` (the module) would otherwise replace the package attribute
    ``train`` (the function), as an eager ``from .train import train`` used to prevent.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name in _HOMES and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'lora_demo' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # what type checkers and editors see; nothing is imported at run time
    from .architecture import DTYPE_NAMES, HEADS, MODEL_NAMES, SPECS
    from .closed_form import ModuleRow
    from .config import BIAS_CHOICES, DEFAULT_SETTINGS, INIT_CHOICES, LoraSettings
    from .counting import CountResult, Pitfall, count, trainable_vs_r
    from .errors import (
        LoraSettingsError,
        ModelLoadError,
        PretrainError,
        SequenceFileError,
        TaskFileError,
    )
    from .esm import build_model, default_device, esm_config, supported_dtypes, tokenizer
    from .experiments import EXPERIMENTS, Experiment, get_experiment
    from .loading import LoadedBase, cached_base, fresh_base, load_base
    from .memory import MemoryEstimate, estimate, estimate_table, measure_gpu
    from .merge import TOLERANCES, MergeReport, MergeRow, merge_check
    from .peft_models import lora_config, peft_model
    from .presets import TARGET_PRESETS, TargetPreset, targets_from_presets
    from .probes import DropoutReport, InitGradReport, dropout_placement, init_and_gradients
    from .sources import ResolvedSource, resolve_source
    from .tasks import TASKS, ProteinTask, make_task
    from .train import RunResult, RunSpec, StepReport, default_runs, run_comparison, train
    from .user_tasks import load_user_task
