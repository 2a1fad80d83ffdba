"""A tiny metastudent-data look-alike: BLAST databases made with makeblastdb, GO files, families.

Proteins come in families (a random ancestor and point mutants at ~90% identity), so MMseqs2 puts
each family in one cluster and a split by cluster keeps families whole.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

AA = "ACDEFGHIKLMNPQRSTVWY"
# child -> ancestors (a slice of the real GO closure: enough for the label rules)
CLOSURE = {
    "GO:0005730": ["GO:0005634", "GO:0005575"],  # nucleolus -> nucleus
    "GO:0005634": ["GO:0005575"],
    "GO:0005829": ["GO:0005737", "GO:0005575"],  # cytosol -> cytoplasm
    "GO:0005737": ["GO:0005575"],
    "GO:0005759": ["GO:0005739", "GO:0005737", "GO:0005575"],  # mito matrix -> mito -> cytoplasm
    "GO:0005739": ["GO:0005737", "GO:0005575"],
    "GO:0005789": ["GO:0005783", "GO:0005737", "GO:0005575"],  # ER membrane -> ER
    "GO:0005783": ["GO:0005737", "GO:0005575"],
    "GO:0005886": ["GO:0005575"],
    "GO:0005615": ["GO:0005576", "GO:0005575"],  # extracellular space -> extracellular region
    "GO:0005576": ["GO:0005575"],
    "GO:0016021": ["GO:0005575"],  # integral component of membrane: no class
    "GO:0004672": ["GO:0016301", "GO:0003824", "GO:0003674"],  # kinase -> catalytic activity
    "GO:0016301": ["GO:0003824", "GO:0003674"],
    "GO:0003824": ["GO:0003674"],
    "GO:0003700": ["GO:0003674"],  # transcription factor activity: not an enzyme
    "GO:0005198": ["GO:0003674"],  # structural molecule activity
    "GO:0005515": ["GO:0005488", "GO:0003674"],  # protein binding (uninformative)
}
NAMES = {
    "GO:0005634": "nucleus", "GO:0005737": "cytoplasm", "GO:0005739": "mitochondrion",
    "GO:0005783": "endoplasmic reticulum", "GO:0005886": "plasma membrane",
    "GO:0005576": "extracellular region", "GO:0003824": "catalytic activity",
}  # fmt: skip
# one CC term per class (a leaf where there is one, to exercise the ancestry)
CC_TERMS = ["GO:0005730", "GO:0005829", "GO:0005759", "GO:0005789", "GO:0005886", "GO:0005615"]
MF_TERMS = [["GO:0004672"], ["GO:0003700"], ["GO:0005198"], ["GO:0003824", "GO:0005515"]]


def _mutate(rng: random.Random, seq: str, rate: float) -> str:
    return "".join(rng.choice(AA) if rng.random() < rate else a for a in seq)


def make_metastudent(root: Path, families: int = 72, members: int = 4, seed: int = 0) -> Path:
    """Write ``root/{CCO,MFO,BPO}/goasp.fasta.*`` + GO files; returns ``root``."""
    rng = random.Random(seed)
    records = []  # (accession, cc terms, mf terms, sequence)
    for f in range(families):
        ancestor = "".join(rng.choice(AA) for _ in range(rng.randint(60, 160)))
        cc = [CC_TERMS[f % len(CC_TERMS)]]
        mf = MF_TERMS[f % len(MF_TERMS)]
        for m in range(members):
            acc = f"T{f:03d}M{m}"
            terms = list(cc)
            if m == members - 1 and f % 9 == 0:
                terms.append("GO:0005634" if cc[0] != "GO:0005730" else "GO:0005829")  # ambiguous
            if m == 0 and f % 5 == 0:
                terms.append("GO:0016021")  # a term that maps to no class
            records.append((acc, terms, mf, _mutate(rng, ancestor, 0.08)))
    for onto in ("CCO", "MFO", "BPO"):
        d = root / onto
        d.mkdir(parents=True, exist_ok=True)
        fasta = d / "goasp.fasta"
        with open(fasta, "w", encoding="ascii") as fh:
            for acc, cc, mf, seq in records:
                terms = {"CCO": cc, "MFO": mf, "BPO": ["GO:0008150"]}[onto]
                fh.write(f">{acc}|{','.join(terms)}\n{seq}\n")
        subprocess.run(
            ["makeblastdb", "-in", str(fasta), "-dbtype", "prot", "-out", str(fasta)],
            check=True,
            capture_output=True,
        )
        fasta.unlink()  # like the package: only the database files
    with open(root / "fullTransitiveClosureGO.txt", "w", encoding="ascii") as fh:
        for child, ancestors in CLOSURE.items():
            for dist, anc in enumerate(ancestors, start=1):
                fh.write(f"{child}\tOBO_REL:is_a\t{anc}\t{dist}\n")
    (root / "nameMapping.txt").write_text(
        "".join(f"{k}\t{v}\n" for k, v in NAMES.items()), encoding="ascii"
    )
    return root
