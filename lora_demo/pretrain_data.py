"""Pretraining data: length-bucketed crop batches, a random hold-out, the data note beside a file."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .mlm import crop

DATA_NOTE_FILE = "pretrain_data.json"  # optional, beside the sequences: source and licence


def train_batches(
    seqs: list[str], batch_tokens: int, max_residues: int, seed: int, pool_batches: int = 64
) -> Iterator[list[str]]:
    """Endless shuffled batches of random crops, bucketed by length within a pool to cut padding."""
    rng = np.random.default_rng(seed)
    order = np.arange(len(seqs))
    while True:
        rng.shuffle(order)
        per_pool = max(1, batch_tokens // (max_residues + 2)) * pool_batches
        for start in range(0, len(order), per_pool):
            crops = sorted(
                (crop(seqs[i], max_residues, rng) for i in order[start : start + per_pool]), key=len
            )
            batches: list[list[str]] = []
            cur: list[str] = []
            for s in crops:
                if cur and (len(s) + 2) * (len(cur) + 1) > batch_tokens:
                    batches.append(cur)
                    cur = []
                cur.append(s)
            if cur:
                batches.append(cur)
            for i in rng.permutation(len(batches)):
                yield batches[i]


def _data_note(sequences_file: Path | None) -> dict[str, Any]:
    if sequences_file is None:
        return {}
    note = sequences_file.parent / DATA_NOTE_FILE
    try:
        return json.loads(note.read_text(encoding="utf-8")) if note.is_file() else {}
    except (OSError, ValueError):
        return {}


def load_data_note(sequences_file: str | Path) -> dict[str, Any]:
    """``pretrain_data.json`` beside the sequences file (source, licence), or ``{}``."""
    return _data_note(Path(sequences_file))


def split_holdout(seqs: list[str], fraction: float, seed: int) -> tuple[list[str], list[str]]:
    """Random (not homology-aware) hold-out, for when no validation file is given."""
    idx = list(range(len(seqs)))
    random.Random(seed).shuffle(idx)
    n_val = max(1, int(len(seqs) * fraction))
    return [seqs[i] for i in idx[n_val:]], [seqs[i] for i in idx[:n_val]]
