"""Measured facts about LoRA at initialisation and about where dropout acts.

* step 0: the PEFT model's output equals the base model's exactly (B = 0);
* grad of every lora_A is exactly 0 (dL/dA = s·Bᵀ·δ·xᵀ with B = 0), grad of lora_B is not;
* after one optimizer step B != 0 and A starts receiving gradient;
* default A init is kaiming-uniform: U(-1/sqrt(in), 1/sqrt(in)); "gaussian" gives N(0, 1/r);
* LoRA dropout zeroes the *LoRA branch input* only; the base layer sees the undropped x.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import torch

from .config import LoraSettings
from .loading import fresh_base
from .peft_models import peft_model
from .sources import resolve_source
from .tasks import random_batch


@dataclass
class InitGradReport:
    """Step-0 facts, measured on a real PEFT model."""

    init: str
    max_abs_diff_vs_base: float  # exactly 0.0 for B = 0 inits
    a_min: float
    a_max: float
    a_bound: float  # 1/sqrt(in_features) of the first adapted layer (kaiming-uniform bound)
    a_std: float
    b_max_abs: float
    grad_a_max_abs: float  # step 0: exactly 0.0
    grad_b_max_abs: float  # step 0: > 0
    grad_a_max_abs_after_step: float  # after one AdamW step: > 0
    b_max_abs_after_step: float  # ~ lr after one Adam step
    lr: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _loss(model, batch, head: str, num_labels: int) -> torch.Tensor:
    logits = model(**batch).logits
    gen = torch.Generator().manual_seed(1)
    labels = torch.randint(0, logits.shape[-1], logits.shape[:-1], generator=gen)
    return torch.nn.functional.cross_entropy(
        logits.reshape(-1, logits.shape[-1]).float(), labels.reshape(-1)
    )


def _max_grad(model, key: str) -> float:
    grads = [
        p.grad.abs().max() for n, p in model.named_parameters() if key in n and p.grad is not None
    ]
    return float(torch.stack(grads).max()) if grads else 0.0


def init_and_gradients(settings: LoraSettings | None = None, lr: float = 1e-3) -> InitGradReport:
    """Measure the step-0 facts for ``settings`` (default: 8M, seq head, q,v, r=8)."""
    s = (settings or LoraSettings()).with_(dropout=0.0, dtype="float32", device="cpu")
    batch = random_batch(4, 24, seed=s.seed)
    resolved = resolve_source(s)
    base, _ = fresh_base(s, resolved)
    with torch.no_grad():
        base_out = base(**batch).logits
    model, _ = peft_model(s, resolved)
    model.eval()  # no stochastic ops, so the comparison is exact
    with torch.no_grad():
        diff = float((model(**batch).logits - base_out).abs().max())
    first_a = next(m for n, m in model.named_modules() if n.endswith("lora_A.default"))
    a = first_a.weight.detach()
    b_max = max(float(p.detach().abs().max()) for n, p in model.named_parameters() if "lora_B" in n)
    _loss(model, batch, s.head, s.num_labels).backward()
    grad_a, grad_b = _max_grad(model, "lora_A"), _max_grad(model, "lora_B")
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr)
    opt.step()
    opt.zero_grad()
    _loss(model, batch, s.head, s.num_labels).backward()
    b_after = max(
        float(p.detach().abs().max()) for n, p in model.named_parameters() if "lora_B" in n
    )
    return InitGradReport(
        init=s.init,
        max_abs_diff_vs_base=diff,
        a_min=float(a.min()),
        a_max=float(a.max()),
        a_bound=1.0 / math.sqrt(a.shape[1]),
        a_std=float(a.std()),
        b_max_abs=b_max,
        grad_a_max_abs=grad_a,
        grad_b_max_abs=grad_b,
        grad_a_max_abs_after_step=_max_grad(model, "lora_A"),
        b_max_abs_after_step=b_after,
        lr=lr,
    )


@dataclass
class DropoutReport:
    """Fraction of zeros seen by the LoRA branch and by the base layer of one adapted Linear."""

    p: float
    module: str
    lora_input_zero_fraction_train: float  # ~ p
    lora_input_scale_train: float  # kept entries are x / (1 - p)
    base_input_zero_fraction_train: float  # 0.0: dropout never touches the base path
    lora_input_zero_fraction_eval: float  # 0.0: dropout is off in eval mode

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def dropout_placement(p: float = 0.5, settings: LoraSettings | None = None) -> DropoutReport:
    """Hook the first adapted layer's ``lora_A`` and ``base_layer`` inputs (train and eval)."""
    s = (settings or LoraSettings()).with_(dropout=p, device="cpu")
    model, _ = peft_model(s)
    name, layer = next(
        (n, m) for n, m in model.named_modules() if hasattr(m, "lora_A") and m.lora_A
    )
    seen: dict[str, torch.Tensor] = {}
    hooks = [
        layer.lora_A["default"].register_forward_pre_hook(
            lambda _m, a: seen.__setitem__("lora", a[0])
        ),
        layer.base_layer.register_forward_pre_hook(lambda _m, a: seen.__setitem__("base", a[0])),
    ]
    batch = random_batch(8, 32, seed=s.seed)
    try:
        torch.manual_seed(s.seed)
        model.train()
        with torch.no_grad():
            model(**batch)
        lora_x, base_x = seen["lora"], seen["base"]
        kept = lora_x != 0
        scale = float((lora_x[kept] / base_x[kept]).median()) if kept.any() else 0.0
        train_zero = float((~kept).float().mean())
        base_zero = float((base_x == 0).float().mean())
        model.eval()
        with torch.no_grad():
            model(**batch)
        eval_zero = float((seen["lora"] == 0).float().mean())
    finally:
        for h in hooks:
            h.remove()
    return DropoutReport(
        p, name.removeprefix("base_model.model."), train_zero, scale, base_zero, eval_zero
    )
