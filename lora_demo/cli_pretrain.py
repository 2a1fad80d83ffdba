"""CLI commands ``pretrain`` (MLM on real sequences) and ``mlm`` (masked-token accuracy/perplexity).

Registered by :mod:`lora_demo.cli`; kept apart so the pretraining options stay in one place.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .cli_args import add_json, add_model, add_seed, add_source, source_from_args


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "pretrain", help="masked-LM pretraining of the exact ESM-2 architecture on a FASTA file"
    )
    p.add_argument("--sequences", required=True, help="training FASTA (.fa or .fa.gz)")
    p.add_argument(
        "--val-sequences",
        default=None,
        help="validation FASTA; without it 2%% of --sequences are held out at random",
    )
    p.add_argument("--out", required=True, help="output folder (checkpoint, card, resume state)")
    p.add_argument("--seconds", type=float, required=True, help="time budget of this call")
    p.add_argument("--resume", action="store_true", help="continue the run saved in --out")
    p.add_argument("--max-steps", type=int, default=0, help="also stop after N steps (0: none)")
    add_model(p, short_names_only=True)
    p.add_argument("--device", default="auto", help="auto, cuda or cpu")
    p.add_argument("--batch-tokens", type=int, default=0, help="0: 131072 on CUDA, 4096 on CPU")
    p.add_argument("--max-residues", type=int, default=0, help="crop length; 0: 510 CUDA, 126 CPU")
    p.add_argument("--lr", type=float, default=8e-4)
    add_seed(p)
    p.add_argument("--val-limit", type=int, default=2000, help="validation sequences scored")
    p.add_argument("--eval-every", type=float, default=0.0, help="seconds; 0: budget/6")
    p.add_argument("--save-every", type=float, default=120.0, help="resume state, seconds")
    p.add_argument("--limit", type=int, default=None, help="read at most this many sequences")
    add_json(p, "one JSON line per progress report")

    m = sub.add_parser("mlm", help="masked-token accuracy and perplexity of a weights source")
    m.add_argument("--sequences", required=True, help="FASTA (.fa or .fa.gz)")
    add_source(m, "random, project, a checkpoint folder, or auto")
    add_model(m, short_names_only=True)
    m.add_argument("--limit", type=int, default=400, help="sequences scored")
    m.add_argument("--max-residues", type=int, default=254)
    add_seed(m, "model init seed (random source)")
    m.add_argument("--device", default="cpu")
    add_json(m)


@contextlib.contextmanager
def _stop_on_sigterm() -> Iterator[Callable[[], bool]]:
    """While training, SIGTERM (e.g. from `timeout`) ends it at the next step and the run is still
    saved; the previous handler comes back afterwards."""
    flag = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield flag.is_set
        return
    previous = signal.signal(signal.SIGTERM, lambda *_: flag.set())
    try:
        yield flag.is_set
    finally:
        signal.signal(signal.SIGTERM, previous)


def cmd_pretrain(a: argparse.Namespace) -> None:
    from .mlm import read_fasta
    from .pretrain import PretrainConfig, pretrain
    from .pretrain_data import load_data_note, split_holdout

    train_seqs = read_fasta(a.sequences, a.limit)
    if a.val_sequences:
        val_seqs = read_fasta(a.val_sequences, a.val_limit)
        val_note = "separate file"
    else:
        train_seqs, val_seqs = split_holdout(train_seqs, 0.02, a.seed)
        val_note = "random 2% hold-out of the training file, not homology-aware"
    data = {
        **load_data_note(a.sequences),
        "train_file": Path(a.sequences).name,
        "train_sequences": len(train_seqs),
        "val_file": Path(a.val_sequences).name if a.val_sequences else Path(a.sequences).name,
        "val_sequences": min(len(val_seqs), a.val_limit),
    }
    data.setdefault("val_note", val_note)
    cfg = PretrainConfig(
        model=a.model,
        seconds=a.seconds,
        max_steps=a.max_steps,
        batch_tokens=a.batch_tokens,
        max_residues=a.max_residues,
        lr=a.lr,
        seed=a.seed,
        device=a.device,
        eval_every_seconds=a.eval_every,
        save_every_seconds=a.save_every,
        val_limit=a.val_limit,
    )

    def on_progress(p: Any) -> None:
        if a.json:
            print(json.dumps(p.to_dict()), flush=True)
            return
        val = (
            ""
            if p.val is None
            else (f"  val ppl {p.val.perplexity:.2f} acc {p.val.masked_accuracy:.3f}")
        )
        print(
            f"step {p.step:6d}  tokens {p.tokens_seen:>12,}  {p.elapsed_seconds:7.1f} s  "
            f"loss {p.train_loss:.3f}  lr {p.lr:.2e}  {p.tokens_per_second:,.0f} tok/s{val}"
            + ("  done" if p.done else ""),
            flush=True,
        )

    with _stop_on_sigterm() as stop:
        res = pretrain(
            train_seqs,
            val_seqs,
            a.out,
            cfg,
            resume=a.resume,
            on_progress=on_progress,
            should_stop=stop,
            data=data,
        )
    if not a.json:
        print(
            f"saved {res.out_dir}: {res.metrics['label']}; val perplexity "
            f"{res.random_init.perplexity:.2f} (random init) -> {res.final.perplexity:.2f}"
        )


def cmd_mlm(a: argparse.Namespace) -> None:
    from .loading import load_base
    from .mlm import evaluate_mlm, read_fasta

    seqs = read_fasta(a.sequences, a.limit)
    base = load_base(a.model, "mlm", source=source_from_args(a), seed=a.seed, device=a.device)
    ev = evaluate_mlm(base.model, seqs, device=a.device, max_residues=a.max_residues)
    d = {"source": a.source, "provenance": base.provenance, **ev.to_dict()}
    if a.json:
        print(json.dumps(d))
    else:
        print(
            f"{base.provenance}: masked-token accuracy {ev.masked_accuracy:.3f}, perplexity "
            f"{ev.perplexity:.2f} ({ev.masked_tokens:,} masked tokens, {ev.sequences} sequences)"
        )


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {
    "pretrain": cmd_pretrain,
    "mlm": cmd_mlm,
}
