"""Closed-form parameter counts of ESM-2 + LoRA, from the architecture numbers alone (H, L, heads).

Each module's shape is derived from its name and the architecture, never from a live model, so
agreement with PEFT's own counts (see :mod:`lora_demo.counting`) is a genuine check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .architecture import VOCAB_SIZE, EsmSpec
from .config import LoraSettings


@dataclass(frozen=True)
class ModuleRow:
    """One row of the breakdown: a LoRA pair, a modules_to_save copy, or a trainable bias."""

    kind: str  # "lora" | "modules_to_save" | "bias"
    module: str
    in_features: int
    out_features: int
    a_shape: tuple[int, int] | None
    b_shape: tuple[int, int] | None
    params: int


def _linear_shape(name: str, spec: EsmSpec, num_labels: int) -> tuple[int, int]:
    """(in, out) of an ESM-2 Linear from its name alone."""
    h = spec.hidden
    if name.endswith("intermediate.dense"):
        return h, 4 * h
    if re.search(r"layer\.\d+\.output\.dense$", name):
        return 4 * h, h
    if name.endswith("contact_head.regression"):
        return spec.layers * spec.heads, 1
    if name.endswith("classifier.out_proj") or name.endswith("classifier"):
        return h, num_labels
    if name.endswith("lm_head.decoder"):
        return h, VOCAB_SIZE
    return h, h  # q, k, v, attention.output.dense, classifier.dense, lm_head.dense, pooler.dense


def base_params(spec: EsmSpec, head: str, num_labels: int) -> int:
    """Closed-form parameter count of the plain transformers model (anchors §1.3)."""
    h, n_layers = spec.hidden, spec.layers
    encoder = n_layers * (12 * h * h + 13 * h) + 33 * h + 2 * h + (n_layers * spec.heads + 1)
    return encoder + head_params(spec, head, num_labels)


def head_params(spec: EsmSpec, head: str, num_labels: int) -> int:
    h = spec.hidden
    if head == "seq":
        return h * h + h + h * num_labels + num_labels
    if head == "token":
        return h * num_labels + num_labels
    return h * h + 2 * h + h + 33  # lm_head.dense + layer_norm + bias (decoder tied)


def _bias_names(spec: EsmSpec, head: str, copy_head: bool) -> list[tuple[str, int]]:
    """Every ``*.bias`` parameter and its size (for bias='all')."""
    h = spec.hidden
    out: list[tuple[str, int]] = []
    for i in range(spec.layers):
        p = f"esm.encoder.layer.{i}."
        out += [
            (p + n, h)
            for n in (
                "attention.self.query",
                "attention.self.key",
                "attention.self.value",
                "attention.output.dense",
                "attention.LayerNorm",
                "LayerNorm",
                "output.dense",
            )
        ]
        out.append((p + "intermediate.dense", 4 * h))
    out += [("esm.encoder.emb_layer_norm_after", h), ("esm.contact_head.regression", 1)]
    return out


def closed_form(s: LoraSettings, targeted: list[str]) -> tuple[list[ModuleRow], int, int]:
    """Rows, trainable and total for ``targeted`` module names, from the architecture alone."""
    spec, c = s.spec, s.num_labels
    rows = []
    for name in targeted:
        i, o = _linear_shape(name, spec, c)
        rows.append(ModuleRow("lora", name, i, o, (s.r, i), (o, s.r), s.r * (i + o)))
    copied = 0
    if s.peft_task_type is not None:  # SEQ_CLS / TOKEN_CLS: the classifier is copied and trained
        copied = head_params(spec, s.head, c)
        i, o = spec.hidden, c
        rows.append(ModuleRow("modules_to_save", "classifier", i, o, None, None, copied))
    rows += _bias_rows(s, targeted)
    trainable = sum(r.params for r in rows)
    lora = sum(r.params for r in rows if r.kind == "lora")
    total = base_params(spec, s.head, c) + lora + copied
    return rows, trainable, total


def _bias_rows(s: LoraSettings, targeted: list[str]) -> list[ModuleRow]:
    spec, c, h = s.spec, s.num_labels, s.spec.hidden
    if s.bias == "none":
        return []
    if s.bias == "lora_only":
        return [
            ModuleRow(
                "bias",
                n + ".bias",
                0,
                _linear_shape(n, spec, c)[1],
                None,
                None,
                _linear_shape(n, spec, c)[1],
            )
            for n in targeted
        ]
    rows = [
        ModuleRow("bias", n + ".bias", 0, k, None, None, k)
        for n, k in _bias_names(spec, s.head, False)
    ]
    head_biases: list[tuple[str, int]] = []
    if s.head == "seq":
        head_biases = [("classifier.dense", h), ("classifier.out_proj", c)]
    elif s.head == "token":
        head_biases = [("classifier", c)]
    else:
        head_biases = [("lm_head.dense", h), ("lm_head.layer_norm", h), ("lm_head", 33)]
    # The classifier's biases are already in the modules_to_save row (its frozen original stays
    # frozen: ModulesToSaveWrapper manages requires_grad itself).
    if s.peft_task_type is None:
        rows += [ModuleRow("bias", n + ".bias", 0, k, None, None, k) for n, k in head_biases]
    return rows
