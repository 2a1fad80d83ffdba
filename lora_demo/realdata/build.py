"""``python -m lora_demo data build``: real tasks with homology-aware splits, subsets and a data card.

Layout under the data folder (``$LORA_LAB_DATA_DIR``, default ``./data``)::

    metastudent/all.fasta            every protein once (CCO, MFO, BPO databases)
    metastudent/clusters.tsv         MMseqs2 30% clusters (+ clusters.json: input hash, time)
    tasks/<task>/labels.tsv          accession, label, length, cluster, split (all labelled proteins)
    tasks/<task>/<size>_{train,val}.tsv   balanced seeded subsets (accession, label, sequence)
    tasks/<task>/card.json + DATA_CARD.md
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import clusters as clu
from .card import card_markdown, histogram
from .go_labels import (
    ENZYME_CLASSES,
    LOCALIZATION_CLASSES,
    enzyme_label,
    graph_terms,
    load_graph,
    localization_label,
)
from .source import ONTOLOGIES, DataBuildError, data_dir, export, require_source, require_tools

LICENCE = (
    "metastudent-data Debian package: GPL-2+ (Tobias Hamp, Rostlab, 2011-2015); the underlying "
    "UniProtKB sequences and annotations: CC BY 4.0 (UniProt Consortium); Gene Ontology: "
    "CC BY 4.0 (GO Consortium)"
)
SOURCE = (
    "Debian package metastudent-data (dataset_201401: UniProtKB proteins with GO annotations, "
    "January 2014), read with blastdbcmd (ncbi-blast+)"
)


@dataclass(frozen=True)
class Subset:
    """A balanced, seeded subset: total sizes (split evenly over classes) and a length window."""

    name: str
    train_total: int
    val_total: int
    min_len: int
    max_len: int


# "small": 2-core CPU (about 2,000 / 400 for 6 classes); "gpu": as many as the classes allow
SUBSETS = {
    "small": Subset("small", 2000, 400, 50, 300),
    "gpu": Subset("gpu", 24000, 2400, 30, 1000),
}
TASK_DEFS: dict[str, dict] = {
    "localization": {
        "classes": tuple(LOCALIZATION_CLASSES),
        "ontology": "CCO",
        "title": "subcellular localisation (6 classes, GO cellular component)",
    },
    "enzyme": {
        "classes": ENZYME_CLASSES,
        "ontology": "MFO",
        "title": "enzyme vs not (GO molecular function: catalytic activity)",
    },
}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _per_class_subset(rows: list[dict], per_class: int, seed: int) -> list[dict]:
    """Up to ``per_class`` rows of each class, spreading picks over clusters (one per cluster first)."""
    rng = random.Random(seed)
    by_class: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_class[r["label"]].append(r)
    picked = []
    for label in sorted(by_class):
        items = by_class[label][:]
        rng.shuffle(items)
        seen: Counter[str] = Counter()
        ranked: list[tuple[int, int, dict[str, Any]]] = []
        for r in items:  # rank = how many of its cluster came before it
            ranked.append((seen[r["cluster"]], len(ranked), r))
            seen[r["cluster"]] += 1
        picked += [r for _, _, r in sorted(ranked, key=lambda x: x[:2])[:per_class]]
    rng.shuffle(picked)
    return picked


def _cap_per_class(rows: list[dict], per_class: int) -> list[dict]:
    """The first ``per_class`` rows of each class, order kept."""
    seen: Counter[str] = Counter()
    out = []
    for r in rows:
        if seen[r["label"]] < per_class:
            seen[r["label"]] += 1
            out.append(r)
    return out


def _write_rows(path: Path, rows: list[dict], seq_of: dict[str, str]) -> None:
    with open(path, "w", encoding="ascii") as fh:
        fh.write("accession\tlabel\tsequence\n")
        for r in rows:
            fh.write(f"{r['accession']}\t{r['label']}\t{seq_of[r['accession']]}\n")


def build(
    root: Path | None = None,
    src: Path | None = None,
    *,
    seed: int = 0,
    threads: int = 2,
    with_leakage: bool = True,
    on_progress: Callable[[str], None] | None = None,
) -> dict:
    """Build everything (cached steps are reused); returns the summary (what the cards hold)."""
    say = on_progress or (lambda msg: None)
    t0 = time.perf_counter()
    tools = require_tools()
    src = require_source(ONTOLOGIES, src)
    root = root or data_dir()
    meta_dir = root / "metastudent"
    meta_dir.mkdir(parents=True, exist_ok=True)

    # 1. export: one record per accession (the first database that has it gives the sequence)
    seq_of: dict[str, str] = {}
    terms_of: dict[str, dict[str, tuple[str, ...]]] = {o: {} for o in ONTOLOGIES}
    counts = {}
    for onto in ONTOLOGIES:
        say(f"exporting {onto} with blastdbcmd")
        n = 0
        for rec in export(onto, src, tools["blastdbcmd"]):
            n += 1
            seq_of.setdefault(rec.accession, rec.sequence)
            terms_of[onto][rec.accession] = rec.terms
        counts[onto] = n
    all_fa = meta_dir / "all.fasta"
    clu.write_fasta(all_fa, seq_of.items())
    digest = _sha256(all_fa)
    t_export = time.perf_counter() - t0

    # 2. clusters (cached by the hash of all.fasta)
    tsv, info = meta_dir / "clusters.tsv", meta_dir / "clusters.json"
    cached = (
        info.is_file() and tsv.is_file() and json.loads(info.read_text()).get("sha256") == digest
    )
    if cached:
        say("clusters: reusing the cached MMseqs2 result")
        cluster_info = json.loads(info.read_text())
    else:
        say(f"clustering {len(seq_of):,} sequences with MMseqs2 (30% identity); this takes a while")
        t1 = time.perf_counter()
        clu.cluster(all_fa, tsv, threads, tools["mmseqs"])
        cluster_info = {
            "sha256": digest,
            "seconds": round(time.perf_counter() - t1, 1),
            "params": f"easy-cluster --min-seq-id {clu.MIN_SEQ_ID} -c {clu.COVERAGE} --cov-mode 0",
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        }
        info.write_text(json.dumps(cluster_info, indent=1))
    rep_of = clu.read_clusters(tsv)
    missing = [a for a in seq_of if a not in rep_of]
    if missing:
        raise DataBuildError(
            f"{len(missing)} proteins have no cluster (e.g. {missing[0]}); delete "
            f"{tsv} and run the build again."
        )
    n_clusters = len(set(rep_of.values()))

    # 3. labels
    say("labelling with GO ancestry")
    graph = load_graph(src, graph_terms())
    label_fns = {"localization": localization_label, "enzyme": enzyme_label}
    summary = {
        "source": SOURCE,
        "source_dir": str(src),
        "licence": LICENCE,
        "built": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "proteins_per_database": counts,
        "proteins": len(seq_of),
        "clusters": n_clusters,
        "clustering": cluster_info,
        "split_rule": (
            f"whole MMseqs2 clusters; a cluster is validation when sha256(representative) % 100 < "
            f"{clu.VAL_PERCENT}"
        ),
        "export_seconds": round(t_export, 1),
        "tasks": {},
    }
    for task, tdef in TASK_DEFS.items():
        tdir = root / "tasks" / task
        tdir.mkdir(parents=True, exist_ok=True)
        rows: list[dict[str, Any]] = []
        unlabeled = 0
        for acc, terms in terms_of[tdef["ontology"]].items():
            label = label_fns[task](terms, graph)
            if label is None:
                unlabeled += 1
                continue
            rep = rep_of[acc]
            rows.append({
                "accession": acc, "label": label, "length": len(seq_of[acc]),
                "cluster": rep, "split": clu.split_of(rep),
            })  # fmt: skip
        with open(tdir / "labels.tsv", "w", encoding="ascii") as fh:
            fh.write("accession\tlabel\tlength\tcluster\tsplit\n")
            for r in rows:
                fh.write(
                    f"{r['accession']}\t{r['label']}\t{r['length']}\t{r['cluster']}\t{r['split']}\n"
                )
        card = {
            "task": task,
            "title": tdef["title"],
            "classes": list(tdef["classes"]),
            "labelled": len(rows),
            "left_out_no_or_ambiguous_label": unlabeled,
            "class_counts": {
                sp: dict(sorted(Counter(r["label"] for r in rows if r["split"] == sp).items()))
                for sp in ("train", "val")
            },
            "clusters_with_labels": {
                sp: len({r["cluster"] for r in rows if r["split"] == sp}) for sp in ("train", "val")
            },
            "length_histogram": histogram([r["length"] for r in rows]),
            "subsets": {},
        }
        for sub in SUBSETS.values():
            say(f"{task}: {sub.name} subset")
            ok = [r for r in rows if sub.min_len <= r["length"] <= sub.max_len]
            k = len(tdef["classes"])
            tr = _per_class_subset(
                [r for r in ok if r["split"] == "train"], sub.train_total // k, seed
            )
            # twice the validation quota: the leakage search removes some, the rest is capped
            va = _per_class_subset(
                [r for r in ok if r["split"] == "val"], 2 * (sub.val_total // k), seed + 1
            )
            entry = {
                "lengths": [sub.min_len, sub.max_len],
                "train": dict(sorted(Counter(r["label"] for r in tr).items())),
                "val": dict(sorted(Counter(r["label"] for r in va).items())),
                "length_histogram_train": histogram([r["length"] for r in tr]),
            }
            if with_leakage and tr and va:
                say(f"{task}: {sub.name} leakage check (MMseqs2 search)")
                report = clu.leakage_check(
                    [(r["accession"], seq_of[r["accession"]]) for r in va],
                    [(r["accession"], seq_of[r["accession"]]) for r in tr],
                    threads,
                    tools["mmseqs"],
                )
                leaked = set(report.leaked)
                va = [r for r in va if r["accession"] not in leaked]  # drop what leaks
                entry["leakage"] = {**report.to_dict(), "removed_from_val": len(leaked)}
            va = _cap_per_class(va, sub.val_total // k)
            entry["val"] = dict(sorted(Counter(r["label"] for r in va).items()))
            _write_rows(tdir / f"{sub.name}_train.tsv", tr, seq_of)
            _write_rows(tdir / f"{sub.name}_val.tsv", va, seq_of)
            card["subsets"][sub.name] = entry
        card.update(
            {k: summary[k] for k in ("source", "licence", "built", "split_rule", "clustering")}
        )
        (tdir / "card.json").write_text(json.dumps(card, indent=1), encoding="utf-8")
        (tdir / "DATA_CARD.md").write_text(card_markdown(card), encoding="utf-8")
        summary["tasks"][task] = card
    summary["seconds"] = round(time.perf_counter() - t0, 1)
    (root / "metastudent" / "build.json").write_text(
        json.dumps(summary, indent=1), encoding="utf-8"
    )
    return summary
