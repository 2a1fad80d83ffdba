"""Merge equivalence: adapter vs merge_adapter / unmerge_adapter / merge_and_unload, per dtype.

The check only means something when B != 0 (PEFT's own tests use ``init_lora_weights=False``) and
in eval mode (merged layers skip LoRA dropout). Both misleading cases can be switched on to show
them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import torch

from .config import LoraSettings
from .peft_models import peft_model
from .sources import resolve_source
from .tasks import random_batch

# Stated tolerances on max |Δ| of the logits. PEFT's tests: atol 1e-4 default, 1e-6 for safe
# merge; fp16/bf16 merges are only required not to raise, so half-precision bounds are ours.
TOLERANCES: dict[str, dict[str, float]] = {
    "float32": {
        "1e-4 (PEFT test default)": 1e-4,
        "1e-5 (this project)": 1e-5,
        "1e-6 (PEFT safe merge)": 1e-6,
    },
    "bfloat16": {"1e-2": 1e-2, "1e-3": 1e-3},
    "float16": {"1e-3": 1e-3, "1e-4": 1e-4},
}
COMPARISONS = ("merge_adapter", "unmerge_adapter", "merge_and_unload")


@dataclass
class MergeRow:
    """One comparison against the unmerged adapter model's logits."""

    dtype: str
    comparison: str
    max_abs_diff: float
    mean_abs_diff: float
    verdicts: dict[str, bool] = field(default_factory=dict)  # tolerance label -> passed


@dataclass
class MergeReport:
    rows: list[MergeRow]
    adapter_vs_base: dict[str, float]  # dtype -> max |Δ| adapter vs disabled adapter (0 => vacuous)
    randomized_b: bool
    train_mode: bool
    dropout: float
    notes: list[str]
    provenance: str = ""  # where the base weights came from

    @property
    def passed(self) -> bool:
        """Every fp32 comparison within 1e-5 (the default project tolerance)."""
        return all(r.max_abs_diff <= 1e-5 for r in self.rows if r.dtype == "float32")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["passed"] = self.passed
        return d


def _randomize_b(model: torch.nn.Module, std: float, seed: int) -> None:
    """Give every lora_B a non-zero value, as training would (seeded)."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_B" in name:
                p.copy_(torch.randn(p.shape, generator=gen) * std)


def _diff(a: torch.Tensor, b: torch.Tensor) -> tuple[float, float]:
    d = (a.float() - b.float()).abs()
    return float(d.max()), float(d.mean())


def _logits(model, batch) -> torch.Tensor:
    with torch.no_grad():
        return model(**batch).logits.detach().clone()


def merge_check(
    settings: LoraSettings,
    dtypes: tuple[str, ...] = ("float32",),
    *,
    randomize_b: bool = True,
    train_mode: bool = False,
    b_std: float = 0.05,
    batch_size: int = 4,
    seq_len: int = 32,
) -> MergeReport:
    """Max and mean |Δ| of logits between the adapter model and its merged forms, per dtype.

    ``randomize_b=False`` keeps PEFT's B=0 init (the check passes trivially); ``train_mode=True``
    runs in train mode with LoRA dropout (0.1 if the settings have none), where merging differs.
    """
    s = settings
    if train_mode and s.dropout == 0:
        s = s.with_(dropout=0.1)
    resolved = resolve_source(s)  # once for every dtype
    rows: list[MergeRow] = []
    vs_base: dict[str, float] = {}
    notes: list[str] = []
    for dtype in dtypes:
        model, _ = peft_model(s if dtype == s.dtype else s.with_(dtype=dtype), resolved)
        if randomize_b:
            _randomize_b(model, b_std, s.seed)
        model.train(train_mode)
        batch = {
            k: v.to(next(model.parameters()).device)
            for k, v in random_batch(batch_size, seq_len, seed=s.seed).items()
        }
        torch.manual_seed(s.seed)
        ref = _logits(model, batch)
        with model.disable_adapter():
            vs_base[dtype] = _diff(ref, _logits(model, batch))[0]
        outs = {}
        model.merge_adapter()
        outs["merge_adapter"] = _logits(model, batch)
        model.unmerge_adapter()
        outs["unmerge_adapter"] = _logits(model, batch)
        merged = model.merge_and_unload()
        merged.train(train_mode)
        outs["merge_and_unload"] = _logits(merged, batch)
        for name in COMPARISONS:
            mx, mean = _diff(ref, outs[name])
            verdicts = {label: mx <= tol for label, tol in TOLERANCES[dtype].items()}
            rows.append(MergeRow(dtype, name, mx, mean, verdicts))
        if vs_base[dtype] == 0.0:
            notes.append(f"{dtype}: the adapter changes nothing (B = 0), so equality is vacuous.")
    if train_mode:
        notes.append(
            "train mode: unmerged layers apply LoRA dropout, merged ones cannot, so outputs differ."
        )
    return MergeReport(
        rows, vs_base, randomize_b, train_mode, float(s.dropout), notes, resolved.provenance
    )
