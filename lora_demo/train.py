"""Training loops: LoRA, full fine-tuning and head-only under one seed and step budget.

Each step is reported through ``on_step(StepReport)`` so a UI can stream it, and ``should_stop()``
is polled before every step so it can stop a run.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import torch
from torch import nn

from .config import LoraSettings
from .loading import fresh_base, resolve_device
from .peft_models import peft_model
from .sources import ResolvedSource, resolve_source
from .tasks import ProteinTask, batch_within_budget, batches, encode, make_task

# What a run trains; shown to users (CLI --mode, JSON "mode") as the mode.
METHODS = ("lora", "full", "head")
DEFAULT_LR = {"lora": 2e-3, "full": 5e-4, "head": 2e-3}


@dataclass(frozen=True)
class RunSpec:
    """One run of a comparison: a label, a method and (for LoRA) the adapter settings."""

    label: str
    method: str  # one of METHODS
    settings: LoraSettings = field(default_factory=LoraSettings)
    lr: float | None = None

    @property
    def learning_rate(self) -> float:
        return self.lr if self.lr is not None else DEFAULT_LR[self.method]


@dataclass(frozen=True)
class StepReport:
    run: str
    method: str
    step: int
    train_loss: float
    val_loss: float | None
    val_metric: float | None  # accuracy (per residue for token tasks)
    seconds_per_step: float  # forward + backward + optimizer step (no data prep, no validation)
    peak_mem_bytes: int  # CUDA max_memory_allocated, else process RSS
    trainable: int

    def to_dict(self) -> dict[str, Any]:
        """The JSON fields; the method keeps its public name ``mode``."""
        return {("mode" if k == "method" else k): v for k, v in asdict(self).items()}


@dataclass
class RunResult:
    run: str
    method: str
    trainable: int
    total: int
    steps: list[StepReport]
    stopped: bool
    wall_seconds: float
    provenance: str = ""  # where the base weights came from

    @property
    def final(self) -> StepReport | None:
        return self.steps[-1] if self.steps else None


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize()
    except OSError:  # not Linux: peak RSS (KiB on Linux, bytes on macOS)
        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


def _peak_mem(device: str) -> int:
    if device == "cuda" and torch.cuda.is_available():
        return int(torch.cuda.max_memory_allocated())
    return _rss_bytes()


def make_optimizer(params: list[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    """AdamW, fused where torch supports it (one kernel per step; what HF Trainer picks too)."""
    try:
        return torch.optim.AdamW(params, lr=lr, weight_decay=0.01, fused=True)
    except (RuntimeError, ValueError, TypeError):  # device/dtype without a fused kernel
        return torch.optim.AdamW(params, lr=lr, weight_decay=0.01)


def build_for_method(
    spec: RunSpec,
    head: str,
    num_labels: int,
    resolved: ResolvedSource | None = None,
    device: str | None = None,
) -> nn.Module:
    """A private model for one run: PEFT for LoRA, the whole base for full, the head for head."""
    s = spec.settings
    if (s.head, s.num_labels) != (head, num_labels):  # the task's head: new settings
        s = s.with_(head=head, num_labels=num_labels)
    if spec.method == "lora":
        return peft_model(s, resolved, device=device)[0]
    if spec.method not in METHODS:
        raise ValueError(f"mode must be one of {METHODS}, got {spec.method!r}")
    net, _ = fresh_base(s, resolved, device=device)
    if spec.method == "head":
        head_name = "lm_head" if head == "mlm" else "classifier"
        for n, p in net.named_parameters():
            p.requires_grad_(n.startswith(head_name))
    return net


def _loss_and_acc(logits: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, int, int]:
    flat = logits.reshape(-1, logits.shape[-1]).float()
    y = labels.reshape(-1)
    loss = nn.functional.cross_entropy(flat, y, ignore_index=-100)
    mask = y != -100
    correct = int((flat.argmax(-1)[mask] == y[mask]).sum())
    return loss, correct, int(mask.sum())


def encode_val(
    task: ProteinTask, device: str, batch_size: int = 64
) -> list[dict[str, torch.Tensor]]:
    """Validation batches, tokenised once per run."""
    return [
        {k: v.to(device) for k, v in encode(task.val[i : i + batch_size], task.kind).items()}
        for i in range(0, len(task.val), batch_size)
    ]


def evaluate(
    model: nn.Module,
    task: ProteinTask,
    device: str,
    val: list[dict[str, torch.Tensor]] | None = None,
) -> tuple[float, float]:
    """Validation (loss, accuracy) in eval mode."""
    model.eval()
    total_loss, correct, n, batches_seen = 0.0, 0, 0, 0
    with torch.inference_mode():
        for enc in val if val is not None else encode_val(task, device):
            b = dict(enc)
            labels = b.pop("labels")
            loss, c, k = _loss_and_acc(model(**b).logits, labels)
            total_loss, correct, n, batches_seen = (
                total_loss + float(loss),
                correct + c,
                n + k,
                batches_seen + 1,
            )
    model.train()
    return total_loss / max(batches_seen, 1), correct / max(n, 1)


def train(
    task: ProteinTask,
    spec: RunSpec,
    steps: int = 30,
    batch_size: int = 8,
    *,
    seed: int = 0,
    eval_every: int = 1,
    on_step: Callable[[StepReport], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    resolved: ResolvedSource | None = None,
) -> RunResult:
    """Train one run with AdamW; report every step (validation every ``eval_every`` and last).

    ``resolved``: the weights source already decided for this action (else decided here, once).
    """
    device = "cpu" if spec.settings.device == "meta" else resolve_device(spec.settings.device)
    resolved = resolved or resolve_source(spec.settings)  # the loaders take it as is
    torch.manual_seed(seed)
    model = build_for_method(spec, task.head, task.num_labels, resolved, device).to(device)
    params = [p for p in model.parameters() if p.requires_grad]
    trainable = sum(p.numel() for p in params)
    total = sum(p.numel() for p in model.parameters())
    opt = make_optimizer(params, spec.learning_rate)
    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    # within the padded-token budget: a training's memory stays bounded for any upload
    batch_size = batch_within_budget(task.train, batch_size)
    data = batches(task.train, task.kind, batch_size, seed)  # same batches for every run
    val = encode_val(task, device, batch_within_budget(task.val, 64))
    model.train()
    reports: list[StepReport] = []
    stopped, t_start = False, time.perf_counter()
    for step in range(1, steps + 1):
        if should_stop is not None and should_stop():
            stopped = True
            break
        b = {k: v.to(device) for k, v in next(data).items()}
        labels = b.pop("labels")
        t0 = time.perf_counter()  # forward + backward + optimizer step, like Trainer's step timer
        logits = model(**b).logits
        loss = nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]).float(), labels.reshape(-1), ignore_index=-100
        )
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        train_loss = loss.detach().item()
        dt = time.perf_counter() - t0
        val_loss = val_metric = None
        if step % eval_every == 0 or step == steps:
            val_loss, val_metric = evaluate(model, task, device, val)
        rep = StepReport(
            spec.label,
            spec.method,
            step,
            train_loss,
            val_loss,
            val_metric,
            dt,
            _peak_mem(device),
            trainable,
        )
        reports.append(rep)
        if on_step is not None:
            on_step(rep)
    return RunResult(
        spec.label,
        spec.method,
        trainable,
        total,
        reports,
        stopped,
        time.perf_counter() - t_start,
        resolved.provenance,
    )


def default_runs(model: str = "esm2_t6_8M") -> list[RunSpec]:
    """LoRA (q,v r=8) vs full fine-tuning vs head-only, the two baselines the ESM papers use."""
    lora = LoraSettings(model=model, r=8, alpha=16, targets=("query", "value"))
    base = LoraSettings(model=model)
    return [
        RunSpec("LoRA q,v r=8", "lora", lora),
        RunSpec("full fine-tuning", "full", base),
        RunSpec("head only", "head", base),
    ]


def run_comparison(
    task: str | ProteinTask = "net-charge",
    runs: list[RunSpec] | None = None,
    steps: int = 30,
    batch_size: int = 8,
    *,
    seed: int = 0,
    eval_every: int = 5,
    on_step: Callable[[StepReport], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> list[RunResult]:
    """Run several configurations on the same task, seed, batches and step budget."""
    t = make_task(task, seed=seed) if isinstance(task, str) else task
    results = []
    for spec in runs or default_runs():
        results.append(
            train(
                t,
                spec,
                steps,
                batch_size,
                seed=seed,
                eval_every=eval_every,
                on_step=on_step,
                should_stop=should_stop,
            )
        )
        if results[-1].stopped:
            break
    return results
