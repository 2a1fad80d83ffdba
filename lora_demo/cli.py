"""Command line: ``python -m lora_demo {count,merge,train,memory,probe,pretrain,mlm}``.

Human-readable output by default, JSON with ``--json`` (``train`` writes one JSON line per step).
Errors go to stderr with exit code 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .adapters import LoraSettings, LoraSettingsError, is_regex
from .esm import HEADS, SPECS, resolve_model_name
from .loading import ModelLoadError
from .mlm import SequenceFileError
from .pretrain import PretrainError
from .project_checkpoint import resolve_project_source
from .realdata.source import DataBuildError
from .tasks import TASKS, TaskFileError


def _targets(text: str) -> tuple[str, ...] | str:
    return text if is_regex(text) else tuple(t.strip() for t in text.split(",") if t.strip())


def _layers(text: str | None) -> tuple[int, ...] | None:
    if not text:
        return None
    try:
        return tuple(int(x) for x in text.split(","))
    except ValueError:
        raise LoraSettingsError(
            "layers", f"{text!r} must be comma-separated layer numbers, e.g. 4,5"
        ) from None


def _model(text: str) -> str:
    try:
        return resolve_model_name(text).short
    except KeyError:
        raise LoraSettingsError(
            "model",
            f"unknown model {text!r}; allowed: {', '.join(SPECS)} or their Hugging Face ids",
        ) from None


def settings_from_args(a: argparse.Namespace) -> LoraSettings:
    return LoraSettings(
        model=_model(a.model),
        head=a.head,
        r=a.r,
        alpha=a.alpha,
        dropout=a.dropout,
        targets=_targets(a.targets),
        layers=_layers(a.layers),
        use_rslora=a.rslora,
        init=a.init,
        bias=a.bias,
        num_labels=a.num_labels,
        task_type=a.task_type,
        seed=a.seed,
        source=resolve_project_source(a.source),
    ).validate()


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default="esm2_t6_8M", help="short name or Hugging Face id")
    p.add_argument("--head", default="seq", choices=HEADS)
    p.add_argument("--r", type=int, default=8)
    p.add_argument("--alpha", type=float, default=16.0)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--targets", default="query,value", help="comma-separated names, or one regex")
    p.add_argument(
        "--layers", default=None, help="comma-separated layer indices (layers_to_transform)"
    )
    p.add_argument("--rslora", action="store_true")
    p.add_argument("--init", default="default")
    p.add_argument("--bias", default="none")
    p.add_argument("--num-labels", type=int, default=2)
    p.add_argument("--task-type", default="auto", help="auto (from the head) or none")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--source",
        default="random",
        help="weights: random (default, offline), project (this project's pretrained 8M), auto "
        "(Hugging Face cache only), a checkpoint folder, or a hub id (the only value that may use "
        "the network)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lora_demo", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    _common(
        sub.add_parser("count", help="trainable/total parameters, closed form, matched modules")
    )
    m = sub.add_parser("merge", help="merge equivalence per dtype")
    _common(m)
    m.add_argument("--dtype", default="float32", help="comma-separated: float32,bfloat16,float16")
    m.add_argument("--zero-b", action="store_true", help="keep B = 0 (shows the vacuous check)")
    m.add_argument(
        "--train-mode", action="store_true", help="train mode with dropout (shows mismatch)"
    )
    t = sub.add_parser("train", help="train LoRA / full / head-only and stream JSON lines per step")
    _common(t)
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
    mem = sub.add_parser("memory", help="memory estimate per component")
    _common(mem)
    mem.add_argument("--mode", default="lora", help="full, lora, qlora or a comma-separated list")
    mem.add_argument("--dtype", default="float32")
    mem.add_argument("--batch-size", type=int, default=8)
    mem.add_argument("--seq-len", type=int, default=512)
    mem.add_argument("--attention", default="eager", choices=("eager", "sdpa"))
    pr = sub.add_parser("probe", help="init/gradient facts and dropout placement")
    _common(pr)
    from . import cli_data, cli_pretrain

    cli_pretrain.add_parsers(sub)
    cli_data.add_parsers(sub)
    return parser


def _emit(obj: dict, as_json: bool, text: str) -> None:
    print(json.dumps(obj, default=str) if as_json else text)


def cmd_count(a: argparse.Namespace) -> None:
    from .counting import count

    c = count(settings_from_args(a))
    d = c.to_dict()
    lines = [
        c.peft_line,
        f"closed form: trainable {c.formula_trainable:,}, total {c.formula_total:,} "
        f"({'matches' if c.matches_formula else 'DIFFERS'})",
        f"scaling {c.scaling_rule} = {c.scaling:g}",
        f"weights: {c.provenance}",
    ]
    lines += [f"  {t}: {len(n)} module(s)" for t, n in c.matched_modules.items()]
    lines += [f"  ! {p.code}: {p.message}" for p in c.pitfalls]
    _emit(d, a.json, "\n".join(lines))


def cmd_merge(a: argparse.Namespace) -> None:
    from .merge import merge_check

    dtypes = tuple(x.strip() for x in a.dtype.split(",") if x.strip())
    s = settings_from_args(a)
    for dt in dtypes:
        s.with_(dtype=dt).validate()
    rep = merge_check(s, dtypes, randomize_b=not a.zero_b, train_mode=a.train_mode)
    lines = [
        f"{r.dtype:9s} {r.comparison:17s} max|Δ| {r.max_abs_diff:.3e}  "
        f"mean|Δ| {r.mean_abs_diff:.3e}  "
        + " ".join(f"[{k}: {'pass' if v else 'FAIL'}]" for k, v in r.verdicts.items())
        for r in rep.rows
    ]
    lines += [
        f"adapter vs base max|Δ| {k}: {v:.3e}" for k, v in rep.adapter_vs_base.items()
    ] + rep.notes
    lines.append(f"weights: {rep.provenance}")
    _emit(rep.to_dict(), a.json, "\n".join(lines))


def cmd_train(a: argparse.Namespace) -> None:
    from .real_tasks import REAL_TASKS, load_real_task, majority_baseline
    from .tasks import load_user_task, make_task
    from .train import MODES, RunSpec, train

    s = settings_from_args(a)
    if a.task in REAL_TASKS:
        task = load_real_task(a.task, a.size)
    elif a.task in TASKS:
        task = make_task(a.task, seed=a.seed)
    elif Path(a.task).is_file():
        task = load_user_task(Path(a.task).read_bytes(), Path(a.task).name, seed=a.seed)
    else:
        raise TaskFileError(
            f"--task {a.task!r} is neither a built-in task ({', '.join(TASKS)}) nor a file"
        )
    modes = [m.strip() for m in a.mode.split(",")]
    for m in modes:
        if m not in MODES:
            raise LoraSettingsError("mode", f"{m!r}; allowed: {', '.join(MODES)}")

    if not a.json:
        from .loading import resolve_source

        print(f"weights: {resolve_source(s)[1]}", flush=True)

    top, baseline = majority_baseline(task)

    def on_step(rep) -> None:
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
    for m in modes:
        res = train(
            task,
            RunSpec(m, m, s.with_(head=task.head, num_labels=task.num_labels), a.lr),
            a.steps,
            a.batch_size,
            seed=a.seed,
            eval_every=a.eval_every,
            on_step=on_step,
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


def cmd_memory(a: argparse.Namespace) -> None:
    from .memory import MEM_MODES, estimate

    s = settings_from_args(a)
    out = []
    for m in (x.strip() for x in a.mode.split(",")):
        if m not in MEM_MODES:
            raise LoraSettingsError("mode", f"{m!r}; allowed: {', '.join(MEM_MODES)}")
        out.append(
            estimate(
                s.model,
                m,
                a.dtype,
                a.batch_size,
                a.seq_len,
                settings=s,
                head=s.head,
                attention=a.attention,
            ).to_dict()
        )
    text = "\n".join(
        f"{e['model']} {e['mode']:5s} {e['dtype']}: weights {e['weights'] / 2**30:.3f} GiB, grads "
        f"{e['gradients'] / 2**30:.3f}, optimizer {e['optimizer'] / 2**30:.3f}, activations "
        f"{e['activations'] / 2**30:.3f}, total {e['total'] / 2**30:.3f} GiB"
        for e in out
    )
    _emit({"estimates": out} if len(out) > 1 else out[0], a.json, text)


def cmd_probe(a: argparse.Namespace) -> None:
    from .probes import dropout_placement, init_and_gradients

    s = settings_from_args(a)
    d = {
        "init_and_gradients": init_and_gradients(s).to_dict(),
        "dropout_placement": dropout_placement(a.dropout or 0.5, s).to_dict(),
    }
    _emit(d, a.json, json.dumps(d, indent=2))


COMMANDS = {
    "count": cmd_count,
    "merge": cmd_merge,
    "train": cmd_train,
    "memory": cmd_memory,
    "probe": cmd_probe,
}


def _command(name: str):
    from . import cli_data, cli_pretrain

    return COMMANDS.get(name) or {**cli_pretrain.COMMANDS, **cli_data.COMMANDS}[name]


def main(argv: list[str] | None = None) -> int:
    # the CLI never reaches for the network; HF_HUB_OFFLINE=0 + --source <hub id> opts in
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    args = build_parser().parse_args(argv)
    try:
        _command(args.command)(args)
    except (
        LoraSettingsError,
        TaskFileError,
        ModelLoadError,
        KeyError,
        SequenceFileError,
        PretrainError,
        DataBuildError,
    ) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"error: {msg}", file=sys.stderr)
        return 2
    return 0
