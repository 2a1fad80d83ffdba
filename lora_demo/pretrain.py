"""Time-budgeted, resumable masked-LM pretraining of an architecture-exact ESM-2 on real sequences.

``pretrain(...)`` trains ``EsmForMaskedLM`` (the exact config of :mod:`lora_demo.esm`) until the
time budget is spent, reports progress through a callback, and writes to ``out_dir``:

* ``model.safetensors`` (fp16) + ``config.json`` + ``vocab.txt`` + ``tokenizer_config.json``:
  loadable as a weights source by :func:`lora_demo.loading.load_base`;
* ``MODEL_CARD.md`` ("pretrained by this project on N tokens") and ``pretrain_metrics.json``;
* ``resume/state.pt``: fp32 weights, AdamW state and counters, so ``resume=True`` continues
  (:mod:`lora_demo.pretrain_state`).

On CUDA it uses bf16 autocast (fp32 master weights) and large length-bucketed batches; on a CPU
a tiny run works the same way, only slower.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import torch

from .architecture import MAX_RESIDUES, resolve_model_name
from .errors import PretrainError
from .esm import build_model
from .mlm import MlmEval, collate, evaluate_mlm, mask_tokens, mlm_loss
from .pretrain_data import train_batches
from .pretrain_output import (
    PretrainProgress,
    PretrainResult,
    hardware,
    save_export,
    software_versions,
    write_metrics_and_card,
)
from .pretrain_state import ResumeState, load_state, save_state


@dataclass(frozen=True)
class PretrainConfig:
    """Hyper-parameters; 0 means "pick for the device" (see :meth:`resolved`)."""

    model: str = "esm2_t6_8M"
    seconds: float = 60.0  # wall-clock budget of this call (training + periodic evaluation)
    max_steps: int = 0  # also stop after this many steps in this call (0: no step limit)
    batch_tokens: int = 0  # padded tokens per batch; 0: 131,072 on CUDA, 4,096 on CPU
    max_residues: int = 0  # random crop length; 0: 510 on CUDA, 126 on CPU
    lr: float = 8e-4  # peak; linear warm-up, then cosine to 10% over the budget
    warmup_fraction: float = 0.04
    weight_decay: float = 0.01
    grad_clip: float = 1.0
    seed: int = 0
    device: str = "auto"
    eval_every_seconds: float = 0.0  # 0: a sixth of the budget
    save_every_seconds: float = 120.0  # resume state written this often (and at the end)
    val_limit: int = 2000  # validation sequences scored
    eval_batch_tokens: int = 0  # 0: 4x batch_tokens on CUDA, batch_tokens on CPU

    def resolved(self, device: str) -> PretrainConfig:
        cuda = device == "cuda"
        bt = self.batch_tokens or (131_072 if cuda else 4_096)
        return replace(
            self,
            device=device,
            batch_tokens=bt,
            max_residues=min(self.max_residues or (510 if cuda else 126), MAX_RESIDUES),
            eval_every_seconds=self.eval_every_seconds or max(self.seconds / 6, 5.0),
            eval_batch_tokens=self.eval_batch_tokens or (4 * bt if cuda else bt),
        )


def _device(name: str) -> str:
    """auto -> CUDA when present, else CPU (MPS lacks fused AdamW); no PEFT import needed here."""
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise PretrainError("CUDA was requested but no GPU is available; use --device cpu or auto.")
    return name


def lr_at(cfg: PretrainConfig, elapsed: float, total: float) -> float:
    """Warm-up then cosine decay to 10% of the peak, driven by the share of the time budget used."""
    frac = min(elapsed / max(total, 1e-9), 1.0)
    if frac < cfg.warmup_fraction:
        return cfg.lr * max(frac / cfg.warmup_fraction, 0.01)
    t = (frac - cfg.warmup_fraction) / max(1 - cfg.warmup_fraction, 1e-9)
    return cfg.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * t)))


def pretrain(
    train_seqs: list[str],
    val_seqs: list[str],
    out_dir: str | Path,
    cfg: PretrainConfig = PretrainConfig(),
    *,
    resume: bool = False,
    on_progress: Callable[[PretrainProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    data: dict | None = None,
    log_every: int = 10,
) -> PretrainResult:
    """Pretrain for ``cfg.seconds`` (this call); continue from ``out_dir`` when ``resume``."""
    out = Path(out_dir)
    device = _device(cfg.device)
    cfg = cfg.resolved(device)
    spec = resolve_model_name(cfg.model)
    if not train_seqs:
        raise PretrainError("no training sequences.")
    if not val_seqs:
        raise PretrainError("no validation sequences.")
    val_seqs = val_seqs[: cfg.val_limit]
    cuda = device == "cuda"
    if cuda:
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True

    model = build_model(spec.short, "mlm", seed=cfg.seed).to(device)
    eval_kw: dict[str, Any] = {
        "device": device,
        "max_residues": cfg.max_residues,
        "batch_tokens": cfg.eval_batch_tokens,
    }
    opt = torch.optim.AdamW(
        model.parameters(),
        lr=cfg.lr,
        betas=(0.9, 0.98),
        weight_decay=cfg.weight_decay,
        **({"fused": True} if cuda else {}),
    )
    if resume:
        saved = load_state(out, model, opt, device, spec.short)
    else:
        saved = ResumeState(0, 0, 0.0, [], [], evaluate_mlm(model, val_seqs, **eval_kw))
    step, tokens, elapsed_before = saved.step, saved.tokens, saved.elapsed
    history, sessions, random_init = saved.history, saved.sessions, saved.random_init
    total_budget = elapsed_before + cfg.seconds
    first_step = step

    batches = train_batches(train_seqs, cfg.batch_tokens, cfg.max_residues, cfg.seed + step)
    gen = torch.Generator().manual_seed(cfg.seed * 1_000_003 + step)
    model.train()
    t_start = time.perf_counter()
    last_eval = last_save = t_start
    session_tokens, loss_sum, loss_n, last_loss = 0, 0.0, 0, float("nan")
    lr = lr_at(cfg, elapsed_before, total_budget)

    def save() -> None:
        elapsed = elapsed_before + (time.perf_counter() - t_start)
        state = ResumeState(step, tokens, elapsed, history, sessions, random_init)
        save_state(out, model, opt, spec.short, state)

    def report(done: bool = False, val: MlmEval | None = None) -> None:
        nonlocal loss_sum, loss_n, last_loss
        now = time.perf_counter() - t_start
        if loss_n:
            last_loss = loss_sum / loss_n
        p = PretrainProgress(
            step,
            tokens,
            elapsed_before + now,
            last_loss,
            lr,
            session_tokens / max(now, 1e-9),
            val,
            done,
        )
        loss_sum, loss_n = 0.0, 0
        if on_progress is not None:
            on_progress(p)

    while True:
        now = time.perf_counter()
        if now - t_start >= cfg.seconds or (should_stop is not None and should_stop()):
            break
        if cfg.max_steps and step - first_step >= cfg.max_steps:
            break
        seqs = next(batches)
        ids, attn = collate(seqs)
        masked, labels = mask_tokens(ids, gen)
        n_tok = int(attn.sum())
        masked = masked.to(device, non_blocking=True)
        attn = attn.to(device, non_blocking=True)
        labels = labels.to(device, non_blocking=True)
        lr = lr_at(cfg, elapsed_before + (now - t_start), total_budget)
        for g in opt.param_groups:
            g["lr"] = lr
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=cuda):
            logits = model(input_ids=masked, attention_mask=attn).logits
        loss = mlm_loss(logits, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        opt.step()
        opt.zero_grad(set_to_none=True)
        step += 1
        tokens += n_tok
        session_tokens += n_tok
        if step % log_every == 0 or step == 1:
            loss_sum += float(loss.detach())  # one sync every log_every steps
            loss_n += 1
            history.append(
                [
                    step,
                    tokens,
                    round(elapsed_before + time.perf_counter() - t_start, 2),
                    round(float(loss.detach()), 4),
                ]
            )
            report()
        t = time.perf_counter()
        if t - last_eval >= cfg.eval_every_seconds:
            val = evaluate_mlm(model, val_seqs, **eval_kw)
            history.append(
                [
                    step,
                    tokens,
                    round(elapsed_before + t - t_start, 2),
                    None,
                    round(val.perplexity, 4),
                    round(val.masked_accuracy, 4),
                ]
            )
            report(val=val)
            model.train()
            last_eval = time.perf_counter()
        if t - last_save >= cfg.save_every_seconds:
            save()
            last_save = time.perf_counter()

    session_seconds = time.perf_counter() - t_start
    final = evaluate_mlm(model, val_seqs, **eval_kw)
    sessions.append(
        {"steps_to": step, "seconds": round(session_seconds, 2), "hardware": hardware(device)}
    )
    elapsed_total = elapsed_before + session_seconds
    history.append(
        [
            step,
            tokens,
            round(elapsed_total, 2),
            None,
            round(final.perplexity, 4),
            round(final.masked_accuracy, 4),
        ]
    )
    save()
    save_export(model, out)
    metrics = {
        "model": spec.short,
        "hub_id": spec.hub_id,
        "parameters": sum(p.numel() for p in model.parameters()),
        "label": f"pretrained by this project on {tokens:,} tokens",
        "steps": step,
        "tokens_seen": tokens,
        "seconds": round(elapsed_total, 2),
        "tokens_per_second": tokens / max(elapsed_total, 1e-9),
        "hardware": "; ".join(sorted({s["hardware"] for s in sessions})),
        "precision": "bf16 autocast, fp32 master weights" if cuda else "fp32",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "config": {k: v for k, v in asdict(cfg).items() if k != "device"},
        "sessions": sessions,
        "software": software_versions(),
        "data": dict(data or {}),
        "random_init": random_init.to_dict(),
        "final": final.to_dict(),
        "history_columns": ["step", "tokens", "seconds", "train_loss", "val_perplexity", "val_acc"],
        "history": history,
    }
    write_metrics_and_card(out, metrics)
    report(done=True, val=final)
    return PretrainResult(out, step, tokens, elapsed_total, random_init, final, metrics)
