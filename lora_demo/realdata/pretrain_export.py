"""FASTA files for MLM pretraining, with every validation cluster left out.

Training sequences come only from training clusters (so no Lab task's validation protein, nor a
30%-identity homologue clustered with it, is seen in pretraining): one representative per cluster
first (like ESM-2's UniRef50 sampling), then further members at random, until the gzip budget is
used. Validation sequences: one per validation cluster, for a homology-aware perplexity.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Iterator
from pathlib import Path

from . import clusters as clu
from .build import LICENCE, SOURCE
from .source import DataBuildError, data_dir


def read_fasta_pairs(path: Path) -> Iterator[tuple[str, str]]:
    """(header, sequence) pairs of a plain FASTA file."""
    name: str | None = None
    chunks: list[str] = []
    with open(path, encoding="ascii") as fh:
        for line in fh:
            if line.startswith(">"):
                if name is not None:
                    yield name, "".join(chunks)
                name, chunks = line[1:].strip(), []
            else:
                chunks.append(line.strip())
    if name is not None:
        yield name, "".join(chunks)


def export_pretrain(
    out: Path,
    root: Path | None = None,
    *,
    max_bytes: int = 38_000_000,
    val_sequences: int = 4000,
    min_len: int = 30,
    max_len: int = 2000,
    seed: int = 0,
) -> dict:
    """Write ``pretrain_train.fa.gz``, ``pretrain_val.fa.gz`` and ``pretrain_data.json`` to ``out``."""
    meta = (root or data_dir()) / "metastudent"
    all_fa, tsv = meta / "all.fasta", meta / "clusters.tsv"
    if not all_fa.is_file() or not tsv.is_file():
        raise DataBuildError(
            f"{meta} has no all.fasta/clusters.tsv yet; run `python -m lora_demo data build` first."
        )
    rep_of = clu.read_clusters(tsv)
    rng = random.Random(seed)
    reps: list[tuple[str, str]] = []
    others: list[tuple[str, str]] = []
    val: list[tuple[str, str]] = []
    for acc, seq in read_fasta_pairs(all_fa):
        rep = rep_of.get(acc)
        if (
            rep is None
            or not (min_len <= len(seq) <= max_len)
            or set(seq) - set("ACDEFGHIKLMNPQRSTVWYXBUZO")
        ):
            continue
        if clu.split_of(rep) == "val":
            if acc == rep:
                val.append((acc, seq))
        else:
            (reps if acc == rep else others).append((acc, seq))
    rng.shuffle(reps)
    rng.shuffle(others)
    rng.shuffle(val)
    out.mkdir(parents=True, exist_ok=True)
    val = val[:val_sequences]
    with gzip.open(out / "pretrain_val.fa.gz", "wt", encoding="ascii", compresslevel=6) as fh:
        for acc, seq in val:
            fh.write(f">{acc}\n{seq}\n")
    budget = max_bytes - (out / "pretrain_val.fa.gz").stat().st_size
    n_train = residues = n_reps = 0
    with (
        open(out / "pretrain_train.fa.gz", "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6) as gz,
    ):
        for i, (acc, seq) in enumerate(reps + others):
            if raw.tell() > budget - 200_000:  # compressed bytes written so far (+ buffer margin)
                break
            gz.write(f">{acc}\n{seq}\n".encode("ascii"))
            n_train += 1
            residues += len(seq)
            n_reps += i < len(reps)
    note = {
        "source": SOURCE,
        "licence": LICENCE,
        "train_sequences": n_train,
        "train_residues": residues,
        "train_cluster_representatives": n_reps,
        "val_sequences": len(val),
        "val_note": "one protein per validation cluster (MMseqs2 30% identity), never in training",
        "excluded": "every protein of every validation cluster (all Lab task validation proteins)",
        "lengths": [min_len, max_len],
        "seed": seed,
    }
    (out / "pretrain_data.json").write_text(json.dumps(note, indent=1), encoding="utf-8")
    return note
