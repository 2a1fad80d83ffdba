"""CLI command ``train``: LoRA / full / head-only runs on one task, one JSON line per step."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .cli_args import add_lora_args, checked_choices, settings_from_args
from .errors import TaskFileError
from .tasks import TASKS, ProteinTask


def add_parser(sub: argparse._SubParsersAction) -> None:
    t = sub.add_parser("train", help="train LoRA / full / head-only and stream JSON lines per step")
    add_lora_args(t)
    t.add_argument(
        "--task",
        default="net-charge",
        help=f"real: localization, enzyme (after `data build`); synthetic: {', '.join(TASKS)}; "
        "or a CSV/FASTA path",
    )
    t.add_argument("--size", default="small", choices=("small", "gpu"), help="real-task subset")
    t.add_argument("--mode", default="lora", help="lora, full, head or a comma-separated list")
    t.add_argument("--steps", type=int, default=30)
    t.add_argument("--batch-size", type=int, default=8)
    t.add_argument("--lr", type=float, default=None)
    t.add_argument("--eval-every", type=int, default=5)


def _task(a: argparse.Namespace) -> ProteinTask:
    from .real_tasks import REAL_TASKS, load_real_task
    from .tasks import make_task
    from .user_tasks import load_user_task

    if a.task in REAL_TASKS:
        return load_real_task(a.task, a.size)
    if a.task in TASKS:
        return make_task(a.task, seed=a.seed)
    if Path(a.task).is_file():
        return load_user_task(Path(a.task).read_bytes(), Path(a.task).name, seed=a.seed)
    raise TaskFileError(
        f"--task {a.task!r} is neither a built-in task ({', '.join(TASKS)}) nor a file"
    )


def cmd_train(a: argparse.Namespace) -> None:
    from .real_tasks import majority_baseline
    from .sources import resolve_source
    from .train import METHODS, RunSpec, StepReport, train

    methods = checked_choices("mode", a.mode, METHODS)  # users call the method "mode"
    task = _task(a)
    s = settings_from_args(a, head=task.head, num_labels=task.num_labels)
    resolved = resolve_source(s)  # once for every run
    if not a.json:
        print(f"weights: {resolved.provenance}", flush=True)

    top, baseline = majority_baseline(task)

    def on_step(rep: StepReport) -> None:
        if a.json:  # one line per step; the baseline rides along so each line stands alone
            print(json.dumps({**rep.to_dict(), "majority_baseline": baseline}), flush=True)
        else:
            val = (
                ""
                if rep.val_loss is None
                else f" val_loss {rep.val_loss:.4f} acc {rep.val_metric:.3f}"
            )
            print(
                f"[{rep.run}] step {rep.step:3d} loss {rep.train_loss:.4f}{val} "
                f"{rep.seconds_per_step * 1000:.0f} ms/step",
                flush=True,
            )

    finals = {}
    for m in methods:
        res = train(
            task,
            RunSpec(m, m, s, a.lr),
            a.steps,
            a.batch_size,
            seed=a.seed,
            eval_every=a.eval_every,
            on_step=on_step,
            resolved=resolved,
        )
        if res.final is not None:
            finals[m] = res.final.val_metric
    summary = {
        "summary": True,
        "task": task.name,
        "train_size": len(task.train),
        "val_size": len(task.val),
        "majority_class": top,
        "majority_baseline_accuracy": baseline,
        "val_accuracy": finals,
    }
    text = (
        f"{task.name}: validation accuracy "
        + ", ".join(f"{m} {v:.3f}" for m, v in finals.items())
        + f" vs majority-class baseline {baseline:.3f} ({len(task.val)} validation proteins)"
    )
    # --json: stdout stays one JSON line per step; the summary goes to stderr as JSON
    print(json.dumps(summary) if a.json else text, file=sys.stderr if a.json else sys.stdout)


COMMANDS = {"train": cmd_train}
