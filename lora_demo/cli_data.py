"""CLI ``python -m lora_demo data {build,export-pretrain,status}``: the real-protein data sets."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path


def add_parsers(sub: argparse._SubParsersAction) -> None:
    d = sub.add_parser("data", help="build real protein tasks from metastudent-data (offline)")
    dsub = d.add_subparsers(dest="data_command", required=True)
    b = dsub.add_parser("build", help="export, cluster (MMseqs2), label, split, subsets, data card")
    b.add_argument("--data-dir", default=None, help="default: $LORA_LAB_DATA_DIR or ./data")
    b.add_argument(
        "--source-dir", default=None, help="default: /usr/share/metastudent-data/dataset_201401"
    )
    b.add_argument("--threads", type=int, default=2)
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--no-leakage", action="store_true", help="skip the MMseqs2 leakage search")
    b.add_argument("--json", action="store_true")
    e = dsub.add_parser(
        "export-pretrain", help="gzipped FASTA for MLM pretraining (train clusters)"
    )
    e.add_argument("--out", required=True)
    e.add_argument("--data-dir", default=None)
    e.add_argument("--max-mb", type=float, default=38.0, help="total size of the two files")
    e.add_argument("--val-sequences", type=int, default=4000)
    e.add_argument("--json", action="store_true")
    s = dsub.add_parser("status", help="what is built, with class counts")
    s.add_argument("--data-dir", default=None)
    s.add_argument("--json", action="store_true")


def _root(a: argparse.Namespace) -> Path | None:
    return Path(a.data_dir) if a.data_dir else None


def cmd_data(a: argparse.Namespace) -> None:
    if a.data_command == "build":
        from .realdata.build import build

        summary = build(
            _root(a),
            Path(a.source_dir) if a.source_dir else None,
            seed=a.seed,
            threads=a.threads,
            with_leakage=not a.no_leakage,
            on_progress=lambda msg: print(msg, file=sys.stderr, flush=True),
        )
        if a.json:
            print(json.dumps(summary))
            return
        print(
            f"built in {summary['seconds']:.0f} s: {summary['proteins']:,} proteins, "
            f"{summary['clusters']:,} clusters"
        )
        for task, card in summary["tasks"].items():
            print(
                f"{task}: {card['labelled']:,} labelled; train {card['class_counts']['train']}; "
                f"val {card['class_counts']['val']}"
            )
            for name, sub in card["subsets"].items():
                lk = sub.get("leakage")
                leak = (
                    ""
                    if not lk
                    else (
                        f"; leakage: {lk['val_with_hit_over_30']}/{lk['val_proteins']} val removed (a "
                        f">=30% train hit)"
                    )
                )
                print(
                    f"  {name}: train {sum(sub['train'].values())}, val {sum(sub['val'].values())}{leak}"
                )
    elif a.data_command == "export-pretrain":
        from .realdata.pretrain_export import export_pretrain

        note = export_pretrain(
            Path(a.out), _root(a), max_bytes=int(a.max_mb * 1e6), val_sequences=a.val_sequences
        )
        print(
            json.dumps(note)
            if a.json
            else f"wrote {a.out}: {note['train_sequences']:,} training sequences "
            f"({note['train_residues']:,} residues), {note['val_sequences']:,} validation"
        )
    else:
        from .real_tasks import data_status

        st = data_status(_root(a))
        print(json.dumps(st) if a.json else json.dumps(st, indent=1))


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {"data": cmd_data}
