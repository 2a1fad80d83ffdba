"""Real protein tasks built by ``python -m lora_demo data build``, loaded as :class:`ProteinTask`.

``localization`` (6 classes) and ``enzyme`` (2 classes), each as a ``small`` subset (2-core CPU)
and a ``gpu`` subset; the data card (``card.json``) travels with the task.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path
from typing import Any

from .errors import TaskFileError
from .realdata.source import data_dir
from .tasks import ProteinTask

REAL_TASKS: tuple[str, ...] = ("localization", "enzyme")
SIZES: tuple[str, ...] = ("small", "gpu")
BUILD_HINT = (
    "build it with `python -m lora_demo data build` (needs the Debian packages ncbi-blast+, "
    "mmseqs2 and metastudent-data: `apt-get install -y ncbi-blast+ mmseqs2 metastudent-data`)"
)


def task_dir(name: str, root: Path | None = None) -> Path:
    return (root or data_dir()) / "tasks" / name


def load_card(name: str, root: Path | None = None) -> dict[str, Any] | None:
    """The task's data card, or None when the task has not been built."""
    path = task_dir(name, root) / "card.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_built(name: str, size: str = "small", root: Path | None = None) -> bool:
    d = task_dir(name, root)
    return all((d / f"{size}_{part}.tsv").is_file() for part in ("train", "val")) and (
        load_card(name, root) is not None
    )


def _read_rows(path: Path, classes: list[str]) -> tuple[tuple[str, int], ...]:
    index = {c: i for i, c in enumerate(classes)}
    rows = []
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="ascii") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        if header[:3] != ["accession", "label", "sequence"]:
            raise TaskFileError(f"{path} has an unexpected header {header[:3]}; {BUILD_HINT}.")
        for line in fh:
            _, label, seq = line.rstrip("\n").split("\t")
            if label not in index:
                raise TaskFileError(f"{path}: unknown class {label!r}; rebuild: {BUILD_HINT}.")
            rows.append((seq, index[label]))
    return tuple(rows)


def load_real_task(name: str, size: str = "small", root: Path | None = None) -> ProteinTask:
    """A built real task; TaskFileError (with the build command) when it is missing or damaged."""
    if name not in REAL_TASKS:
        raise TaskFileError(f"unknown real task {name!r}; real tasks: {', '.join(REAL_TASKS)}")
    if size not in SIZES:
        raise TaskFileError(f"unknown size {size!r}; sizes: {', '.join(SIZES)}")
    card = load_card(name, root)
    if card is None or not is_built(name, size, root):
        raise TaskFileError(f"the real task {name!r} ({size}) is not built yet; {BUILD_HINT}.")
    d = task_dir(name, root)
    try:
        train = _read_rows(d / f"{size}_train.tsv", card["classes"])
        val = _read_rows(d / f"{size}_val.tsv", card["classes"])
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise TaskFileError(f"{d} is damaged ({exc}); delete it and {BUILD_HINT}.") from None
    if not train or not val:
        raise TaskFileError(f"{d}: the {size} subset is empty; {BUILD_HINT}.")
    return ProteinTask(
        name,
        "seq",
        len(card["classes"]),
        train,
        val,
        f"real proteins (UniProt/GO via metastudent-data), {card['title']}, {size} subset, "
        "homology-aware split (MMseqs2 30%)",
    )


def majority_baseline(task: ProteinTask) -> tuple[int, float]:
    """(majority training class, its accuracy on validation): what a model must beat."""
    counts = Counter(lab for _, lab in task.train if isinstance(lab, int))
    top = min(counts, key=lambda c: (-counts[c], c))
    return top, sum(1 for _, lab in task.val if lab == top) / max(len(task.val), 1)


def data_status(root: Path | None = None) -> dict[str, Any]:
    """Which real tasks are built, with their subset sizes."""
    tasks: dict[str, Any] = {}
    out = {"data_dir": str((root or data_dir()).resolve()), "tasks": tasks}
    for name in REAL_TASKS:
        card = load_card(name, root)
        tasks[name] = {
            "built": {s: is_built(name, s, root) for s in SIZES},
            "subsets": {
                k: {"train": sum(v["train"].values()), "val": sum(v["val"].values())}
                for k, v in (card or {}).get("subsets", {}).items()
            },
        }
    return out
