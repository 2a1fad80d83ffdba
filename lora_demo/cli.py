"""Command line: ``python -m lora_demo {count,merge,train,memory,probe,pretrain,mlm,data}``.

Human-readable output by default, JSON with ``--json`` (``train`` writes one JSON line per step).
Errors go to stderr with exit code 2. Arguments are checked before torch or PEFT is imported,
so a bad one is refused at once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import Any

from . import cli_data, cli_pretrain, cli_train
from .architecture import DTYPE_NAMES
from .cli_args import add_lora_args, checked_choices, comma_list, settings_from_args
from .errors import (
    LoraSettingsError,
    ModelLoadError,
    PretrainError,
    SequenceFileError,
    TaskFileError,
)
from .realdata.source import DataBuildError

USER_ERRORS = (
    LoraSettingsError,
    TaskFileError,
    ModelLoadError,
    KeyError,
    SequenceFileError,
    PretrainError,
    DataBuildError,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lora_demo", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    add_lora_args(
        sub.add_parser("count", help="trainable/total parameters, closed form, matched modules")
    )
    m = sub.add_parser("merge", help="merge equivalence per dtype")
    add_lora_args(m)
    m.add_argument("--dtype", default="float32", help="comma-separated: float32,bfloat16,float16")
    m.add_argument("--zero-b", action="store_true", help="keep B = 0 (shows the vacuous check)")
    m.add_argument(
        "--train-mode", action="store_true", help="train mode with dropout (shows mismatch)"
    )
    cli_train.add_parser(sub)
    mem = sub.add_parser("memory", help="memory estimate per component")
    add_lora_args(mem)
    mem.add_argument("--mode", default="lora", help="full, lora, qlora or a comma-separated list")
    mem.add_argument("--dtype", default="float32")
    mem.add_argument("--batch-size", type=int, default=8)
    mem.add_argument("--seq-len", type=int, default=512)
    mem.add_argument("--attention", default="eager", choices=("eager", "sdpa"))
    add_lora_args(sub.add_parser("probe", help="init/gradient facts and dropout placement"))
    cli_pretrain.add_parsers(sub)
    cli_data.add_parsers(sub)
    return parser


def _emit(obj: dict[str, Any], as_json: bool, text: str) -> None:
    print(json.dumps(obj, default=str) if as_json else text)


def cmd_count(a: argparse.Namespace) -> None:
    s = settings_from_args(a)
    from .counting import count

    c = count(s)
    lines = [
        c.peft_line,
        f"closed form: trainable {c.formula_trainable:,}, total {c.formula_total:,} "
        f"({'matches' if c.matches_formula else 'DIFFERS'})",
        f"scaling {c.scaling_rule} = {c.scaling:g}",
        f"weights: {c.provenance}",
    ]
    lines += [f"  {t}: {len(n)} module(s)" for t, n in c.matched_modules.items()]
    lines += [f"  ! {p.code}: {p.message}" for p in c.pitfalls]
    _emit(c.to_dict(), a.json, "\n".join(lines))


def cmd_merge(a: argparse.Namespace) -> None:
    dtypes = tuple(comma_list(a.dtype))
    s = settings_from_args(a)
    checked_choices("dtype", ",".join(dtypes), DTYPE_NAMES)
    from .merge import merge_check

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


def cmd_memory(a: argparse.Namespace) -> None:
    s = settings_from_args(a)
    from .memory import SCHEMES, estimate

    schemes = checked_choices("mode", a.mode, SCHEMES)  # users call the scheme "mode"
    out = [
        estimate(
            s.model,
            scheme,
            a.dtype,
            a.batch_size,
            a.seq_len,
            settings=s,
            head=s.head,
            attention=a.attention,
        ).to_dict()
        for scheme in schemes
    ]
    text = "\n".join(
        f"{e['model']} {e['mode']:5s} {e['dtype']}: weights {e['weights'] / 2**30:.3f} GiB, grads "
        f"{e['gradients'] / 2**30:.3f}, optimizer {e['optimizer'] / 2**30:.3f}, activations "
        f"{e['activations'] / 2**30:.3f}, total {e['total'] / 2**30:.3f} GiB"
        for e in out
    )
    _emit({"estimates": out} if len(out) > 1 else out[0], a.json, text)


def cmd_probe(a: argparse.Namespace) -> None:
    s = settings_from_args(a)
    from .probes import dropout_placement, init_and_gradients

    d = {
        "init_and_gradients": init_and_gradients(s).to_dict(),
        "dropout_placement": dropout_placement(a.dropout or 0.5, s).to_dict(),
    }
    _emit(d, a.json, json.dumps(d, indent=2))


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {
    "count": cmd_count,
    "merge": cmd_merge,
    "memory": cmd_memory,
    "probe": cmd_probe,
    **cli_train.COMMANDS,
    **cli_pretrain.COMMANDS,
    **cli_data.COMMANDS,
}


def main(argv: list[str] | None = None) -> int:
    # the CLI never reaches for the network; HF_HUB_OFFLINE=0 + --source <hub id> opts in
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    args = build_parser().parse_args(argv)
    try:
        COMMANDS[args.command](args)
    except USER_ERRORS as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"error: {msg}", file=sys.stderr)
        return 2
    return 0
