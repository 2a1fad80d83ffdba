"""Training-memory estimate per component for the schemes full fine-tuning, LoRA and QLoRA.

Rules (Adam/AdamW, PyTorch semantics; HF "Anatomy of Model's Memory", QLoRA §3):

* weights: params × bytes(dtype). LoRA adapters are fp32 (PEFT upcasts them by default).
  QLoRA: every encoder ``nn.Linear`` weight in NF4 with double quantisation = 4.127 bit/param
  (0.5 B + 0.0159 B constants); biases, LayerNorms, embeddings and the head stay 16-bit.
* gradients: one per *trainable* param, in its dtype (frozen params get no ``.grad``).
* optimizer: AdamW keeps two states per trainable param in its dtype (8 B/param in fp32).
* activations (Korthikanti et al. 2022, 16-bit, no recomputation, FFN = 4h), per layer:
  ``s·b·h·(34 + 5·a·s/h)`` bytes; ×2 in fp32. ``attention="sdpa"`` drops the ``5as/h`` term
  (fused attention does not keep the s×s matrix). LoRA does not shrink activations.
Not counted: the CUDA context, allocator rounding, AdamW's transient foreach buffer (+4 B per
trainable param during ``step()``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import torch

from .architecture import DTYPE_NAMES, resolve_model_name
from .closed_form import base_params
from .config import LoraSettings
from .counting import count
from .sources import ResolvedSource

BYTES = dict(zip(DTYPE_NAMES, (4, 2, 2), strict=True))
NF4_DQ_BYTES = 4.127 / 8  # NF4 + double-quantised constants (QLoRA §3)
# How the weights are held and trained; shown to users (CLI --mode, JSON "mode") as the mode.
SCHEMES = ("full", "lora", "qlora")


@dataclass
class MemoryEstimate:
    model: str
    scheme: str  # one of SCHEMES
    dtype: str
    batch_size: int
    seq_len: int
    trainable: int
    total_params: int
    weights: int
    gradients: int
    optimizer: int
    activations: int
    notes: list[str] = field(default_factory=list)
    measured_max_allocated: int | None = None  # filled on a GPU by measure_gpu

    @property
    def total(self) -> int:
        return self.weights + self.gradients + self.optimizer + self.activations

    def to_dict(self) -> dict[str, Any]:
        """The JSON fields; the scheme keeps its public name ``mode``."""
        d = {("mode" if k == "scheme" else k): v for k, v in asdict(self).items()}
        d["total"] = self.total
        return d


def linear_weight_params(model: str) -> int:
    """Encoder nn.Linear weights (the QLoRA-quantisable part): 12·H² per layer."""
    spec = resolve_model_name(model)
    return spec.layers * 12 * spec.hidden**2


def activation_bytes(
    model: str, batch_size: int, seq_len: int, dtype: str, attention: str = "eager"
) -> int:
    """Korthikanti per-layer estimate × layers; seq_len counts <cls> and <eos>."""
    spec = resolve_model_name(model)
    s, b, h, a = seq_len, batch_size, spec.hidden, spec.heads
    per_token = 34 + (5 * a * s / h if attention == "eager" else 0)
    return int(spec.layers * s * b * h * per_token * BYTES[dtype] / 2)


def estimate(
    model: str = "esm2_t33_650M",
    scheme: str = "lora",
    dtype: str = "float32",
    batch_size: int = 8,
    seq_len: int = 512,
    *,
    settings: LoraSettings | None = None,
    resolved: ResolvedSource | None = None,
    head: str = "seq",
    attention: str = "eager",
    measure: bool = False,
) -> MemoryEstimate:
    """Per-component bytes. ``settings`` gives the LoRA targets/r (default q,k,v,o + 2 FFN, r=8).

    ``resolved``: the weights source already decided for ``settings`` (no second decision).

    ``measure=True`` on a CUDA machine also runs one training step and stores
    ``torch.cuda.max_memory_allocated`` in ``measured_max_allocated`` (ignored without a GPU).
    """
    if scheme not in SCHEMES:
        raise ValueError(f"mode must be one of {SCHEMES}, got {scheme!r}")
    spec = resolve_model_name(model)
    n_base = base_params(spec, head, 2)
    bw = BYTES["bfloat16"] if scheme == "qlora" else BYTES[dtype]
    notes = []
    if scheme == "full":
        trainable = n_base
        weights = n_base * bw
        grads, optim = n_base * bw, 2 * n_base * bw
        notes.append(f"full: {bw} B weights + {bw} B grads + {2 * bw} B AdamW states per parameter")
    else:
        s = settings or LoraSettings(
            targets=(
                "query",
                "key",
                "value",
                "attention.output.dense",
                "intermediate.dense",
                "output.dense",
            )
        )
        if (s.model, s.head) != (spec.short, head):  # settings made again only when they differ
            s, resolved = s.with_(model=spec.short, head=head), None
        c = count(s, resolved)
        trainable = c.trainable
        frozen = n_base
        if scheme == "lora":
            weights = int(frozen * bw + trainable * 4)
            notes.append(
                f"lora: frozen base {bw} B/param; adapters + head copy fp32 (16 B/trainable param)"
            )
        else:
            lin = linear_weight_params(spec.short)
            weights = int(lin * NF4_DQ_BYTES + (frozen - lin) * 2 + trainable * 4)
            notes.append(
                "qlora: encoder Linear weights NF4+DQ (4.127 bit), rest bf16, adapters fp32"
            )
        grads, optim = trainable * 4, trainable * 8
    act_dtype = "bfloat16" if scheme == "qlora" else dtype
    acts = activation_bytes(spec.short, batch_size, seq_len, act_dtype, attention)
    notes.append(
        f"activations: L·s·b·h·(34{' + 5as/h' if attention == 'eager' else ''})"
        f" × {BYTES[act_dtype]}/2 B"
    )
    est = MemoryEstimate(
        spec.short,
        scheme,
        dtype,
        batch_size,
        seq_len,
        trainable,
        n_base,
        int(weights),
        int(grads),
        int(optim),
        acts,
        notes,
    )
    if measure and torch.cuda.is_available():  # GPU only: measured next to the estimate
        s_run = (settings or LoraSettings()).with_(model=spec.short, head=head, dtype=dtype)
        est.measured_max_allocated = measure_gpu(s_run, scheme, batch_size, seq_len)
    return est


def estimate_table(
    models: tuple[str, ...],
    dtypes: tuple[str, ...] = ("float32", "bfloat16"),
    batch_size: int = 8,
    seq_len: int = 512,
) -> list[dict[str, Any]]:
    """Rows for every (model, scheme, dtype); qlora only once (its base dtype is fixed)."""
    rows = []
    for m in models:
        for scheme in SCHEMES:
            for dt in dtypes if scheme != "qlora" else ("bfloat16",):
                rows.append(estimate(m, scheme, dt, batch_size, seq_len).to_dict())
    return rows


def measure_gpu(
    settings: LoraSettings, scheme: str = "lora", batch_size: int = 8, seq_len: int = 128
) -> int:
    """Measured ``torch.cuda.max_memory_allocated`` over one training step (GPU only)."""
    if not torch.cuda.is_available():
        raise RuntimeError("no CUDA GPU is available; memory can only be estimated on this machine")
    from .tasks import random_batch
    from .train import RunSpec, build_for_method

    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()
    s = settings.with_(device="cuda")
    # QLoRA's quantised base is not built here: its adapters train like LoRA's
    method = "full" if scheme == "full" else "lora"
    net = build_for_method(RunSpec(scheme, method, s), s.head, s.num_labels)
    net = net.to("cuda")
    batch = {k: v.cuda() for k, v in random_batch(batch_size, seq_len - 2, seed=s.seed).items()}
    params = [p for p in net.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-4)
    out = net(**batch).logits.float().mean()
    out.backward()
    opt.step()
    torch.cuda.synchronize()
    return int(torch.cuda.max_memory_allocated())
