"""Homology-aware splits: MMseqs2 clustering, whole clusters to train or validation, leakage check.

Clustering: ``mmseqs easy-cluster --min-seq-id 0.3 -c 0.8 --cov-mode 0`` (30% identity over 80%
of both sequences). A cluster goes to validation when a hash of its representative's accession
falls in the validation share, so the split is stable when sequences are added. Greedy clustering
does not promise that no cross-cluster pair exceeds 30% (and a fragment covering < 80% of its
homologue lands in its own cluster), so :func:`leakage_check` searches the validation proteins of
each subset against its training proteins (more sensitively than the clustering); the build
removes the validation proteins it flags and reports how many.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from .source import DataBuildError

MIN_SEQ_ID = 0.3
COVERAGE = 0.8
LEAK_COVERAGE = 0.5  # a >= 30% hit over half of either sequence counts as a leak (fragments too)
VAL_PERCENT = 10  # share of clusters (by representative hash) that go to validation


def write_fasta(path: Path, items) -> None:
    """``items``: (id, sequence) pairs."""
    with open(path, "w", encoding="ascii") as fh:
        for name, seq in items:
            fh.write(f">{name}\n{seq}\n")


def _run(cmd: list[str], what: str, log: Path | None = None) -> None:
    out = subprocess.run(cmd, capture_output=True, text=True)
    if log is not None:
        log.write_text(out.stdout[-20000:] + out.stderr[-20000:], encoding="utf-8")
    if out.returncode != 0:
        tail = (out.stderr or out.stdout).strip().splitlines()[-3:]
        raise DataBuildError(f"{what} failed (exit {out.returncode}): {' | '.join(tail)}")


def cluster(fasta: Path, out_tsv: Path, threads: int = 2, mmseqs: str = "mmseqs") -> Path:
    """Cluster ``fasta`` with MMseqs2; writes ``representative<TAB>member`` lines to ``out_tsv``."""
    with tempfile.TemporaryDirectory(prefix="lora_mmseqs_") as tmp:
        prefix = Path(tmp) / "clu"
        _run(
            [
                mmseqs, "easy-cluster", str(fasta), str(prefix), str(Path(tmp) / "work"),
                "--min-seq-id", str(MIN_SEQ_ID), "-c", str(COVERAGE), "--cov-mode", "0",
                "--threads", str(threads), "-v", "1",
            ],
            "MMseqs2 clustering",
        )  # fmt: skip
        shutil.move(str(prefix) + "_cluster.tsv", out_tsv)
    return out_tsv


def read_clusters(tsv: Path) -> dict[str, str]:
    """member accession -> representative accession."""
    rep_of: dict[str, str] = {}
    with open(tsv, encoding="ascii") as fh:
        for line in fh:
            rep, _, member = line.rstrip("\n").partition("\t")
            if member:
                rep_of[member] = rep
    return rep_of


def split_of(representative: str, val_percent: int = VAL_PERCENT) -> str:
    """``"val"`` or ``"train"`` for a cluster, from a stable hash of its representative."""
    h = int.from_bytes(hashlib.sha256(representative.encode()).digest()[:4], "big")
    return "val" if h % 100 < val_percent else "train"


@dataclass(frozen=True)
class LeakageReport:
    """Validation proteins searched against training proteins (MMseqs2)."""

    val_proteins: int
    train_proteins: int
    val_with_hit: int  # any hit at all (E <= 1e-3)
    val_with_hit_over_30: int  # a hit of >= 30% identity covering >= 50% of either sequence
    max_identity: float  # highest identity of any hit (0 when none)
    median_best_identity: float  # median over validation proteins that have a hit
    method: str
    leaked: tuple[str, ...] = ()  # ids of the validation proteins counted in val_with_hit_over_30

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("leaked")
        return d


def leakage_check(
    val: list[tuple[str, str]],
    train: list[tuple[str, str]],
    threads: int = 2,
    mmseqs: str = "mmseqs",
) -> LeakageReport:
    """Search ``val`` (id, seq) against ``train`` with ``mmseqs easy-search`` (E <= 1e-3)."""
    with tempfile.TemporaryDirectory(prefix="lora_leak_") as tmp:
        q, t, res = Path(tmp) / "q.fa", Path(tmp) / "t.fa", Path(tmp) / "hits.m8"
        write_fasta(q, val)
        write_fasta(t, train)
        _run(
            [
                mmseqs, "easy-search", str(q), str(t), str(res), str(Path(tmp) / "work"),
                "-e", "1e-3", "--threads", str(threads), "-v", "1",
                "--format-output", "query,target,fident,qcov,tcov",
            ],
            "MMseqs2 leakage search",
        )  # fmt: skip
        best: dict[str, float] = {}
        over: set[str] = set()
        for line in res.read_text(encoding="ascii").splitlines():
            qid, _, fident, qcov, tcov = line.split("\t")
            ident = float(fident)
            best[qid] = max(best.get(qid, 0.0), ident)
            if ident >= MIN_SEQ_ID and max(float(qcov), float(tcov)) >= LEAK_COVERAGE:
                over.add(qid)
    ids = sorted(best.values())
    return LeakageReport(
        val_proteins=len(val),
        train_proteins=len(train),
        val_with_hit=len(best),
        val_with_hit_over_30=len(over),
        max_identity=max(ids, default=0.0),
        median_best_identity=ids[len(ids) // 2] if ids else 0.0,
        method=(
            "mmseqs easy-search validation vs training, E <= 1e-3; 'over 30' = identity >= 0.30 "
            "over >= 50% of the validation or the training sequence"
        ),
        leaked=tuple(sorted(over)),
    )
