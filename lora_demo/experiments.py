"""Named experiment presets (pure data). The question bank links to these ids.

Each preset says which panel of the Lab page it targets and the settings it uses; the UI turns
``settings`` into a :class:`~lora_demo.config.LoraSettings` with ``LoraSettings(**settings)``
(tuples for ``targets``) and passes ``options`` to the panel's function.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .config import LoraSettings

PANELS = ("count", "merge", "probes", "train", "memory")


@dataclass(frozen=True)
class Experiment:
    id: str
    title_en: str
    title_zh: str
    description: str
    panel: str  # one of PANELS
    settings: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    options: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def lora_settings(self) -> LoraSettings:
        """The preset's settings (checked when made, like any settings)."""
        return LoraSettings(**dict(self.settings))


def _exp(
    id_: str,
    en: str,
    zh: str,
    desc: str,
    panel: str,
    settings: dict[str, Any],
    options: dict[str, Any] | None = None,
) -> Experiment:
    return Experiment(
        id_, en, zh, desc, panel, MappingProxyType(settings), MappingProxyType(options or {})
    )


EXPERIMENTS: dict[str, Experiment] = {
    e.id: e
    for e in (
        _exp(
            "dropout-placement",
            "Where LoRA dropout acts",
            "LoRA dropout 作用在哪里",
            "Hooks one adapted layer in train mode: about p of the LoRA branch input is zero, "
            "the base layer input has no zeros.",
            "probes",
            {"model": "esm2_t6_8M", "head": "seq", "dropout": 0.5, "targets": ("query", "value")},
            {"probe": "dropout_placement", "p": 0.5},
        ),
        _exp(
            "grad-at-init",
            "Gradients at initialisation",
            "初始化时的梯度",
            "At step 0 the output equals the base model, grad A is exactly 0 and grad B is not; "
            "after one AdamW step A gets gradient.",
            "probes",
            {
                "model": "esm2_t6_8M",
                "head": "seq",
                "targets": ("query", "value"),
                "init": "default",
            },
            {"probe": "init_and_gradients"},
        ),
        _exp(
            "merge-equivalence",
            "Merge equivalence",
            "合并等价性",
            "Adapter vs merge_adapter / unmerge_adapter / merge_and_unload with non-zero B, "
            "per dtype; "
            "then the two misleading checks (B = 0, dropout in train mode).",
            "merge",
            {"model": "esm2_t6_8M", "head": "seq", "targets": ("query", "value")},
            {
                "dtypes": ("float32", "bfloat16", "float16"),
                "randomize_b": True,
                "train_mode": False,
            },
        ),
        _exp(
            "rslora-vs-alpha-r",
            "rsLoRA vs alpha/r scaling",
            "rsLoRA 与 alpha/r 缩放",
            "Effective scale alpha/r vs alpha/sqrt(r) across ranks at fixed alpha.",
            "count",
            {"model": "esm2_t6_8M", "head": "seq", "alpha": 16.0, "use_rslora": True},
            {"r_values": (1, 2, 4, 8, 16, 32, 64)},
        ),
        _exp(
            "dense-matches-head",
            "'dense' matches the head",
            "'dense' 会匹配到分类头",
            "target_modules=['dense'] without a task type puts LoRA on classifier.dense; "
            "'output.dense' hits two layers per block.",
            "count",
            {
                "model": "esm2_t6_8M",
                "head": "seq",
                "targets": ("query", "key", "value", "dense"),
                "task_type": "none",
            },
        ),
        _exp(
            "rank-sweep",
            "Trainable parameters vs rank",
            "可训练参数随秩变化",
            "Trainable parameters for r = 1..64 on every ESM-2 size.",
            "count",
            {"model": "esm2_t6_8M", "head": "seq", "targets": ("query", "value")},
            {"r_values": (1, 2, 4, 8, 16, 32, 64), "all_sizes": True},
        ),
        _exp(
            "memory-breakdown",
            "Memory breakdown",
            "显存构成",
            "Weights, gradients, optimizer states and activations for full FT, LoRA and QLoRA.",
            "memory",
            {"model": "esm2_t33_650M", "head": "seq", "dtype": "bfloat16"},
            {"modes": ("full", "lora", "qlora"), "batch_size": 8, "seq_len": 512},
        ),
    )
}


def get_experiment(exp_id: str) -> Experiment:
    """The preset with id ``exp_id`` (KeyError lists the valid ids)."""
    try:
        return EXPERIMENTS[exp_id]
    except KeyError:
        raise KeyError(f"unknown experiment {exp_id!r}; known: {', '.join(EXPERIMENTS)}") from None
