"""Gene Ontology ancestry and the two label rules built from it.

**Subcellular localisation** (cellular component, one label per protein). Classes and their GO
terms (a protein's annotated term counts for a class when it *is* the class term or descends from
it in ``fullTransitiveClosureGO.txt``):

==================== ============ ==========================================================
class                GO term      note
==================== ============ ==========================================================
nucleus              GO:0005634   nucleolus, nuclear envelope, chromatin ... count here
cytoplasm            GO:0005737   incl. cytosol; only when no more specific class applies
mitochondrion        GO:0005739   also a descendant of cytoplasm in GO: the specific class wins
endoplasmic reticulum GO:0005783  also a descendant of cytoplasm: the specific class wins
plasma membrane      GO:0005886
extracellular        GO:0005576   extracellular region, incl. extracellular space
==================== ============ ==========================================================

Each annotated term is mapped to the *most specific* classes it reaches (a class is dropped when
another reached class descends from it, so "mitochondrial matrix" is mitochondrion, not
cytoplasm). A protein gets a label when all its mapped terms agree on one class; proteins with
terms in two classes (e.g. nucleus and cytoplasm) are ambiguous and left out, as are proteins
with no term under any class.

**Enzyme vs not** (molecular function, binary). Enzyme: some annotated term is catalytic activity
(GO:0003824) or descends from it. Not enzyme: no such term, and at least one term other than the
uninformative roots (molecular_function GO:0003674, binding GO:0005488, protein binding
GO:0005515), so "only known to bind something" is not read as "not an enzyme".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

LOCALIZATION_CLASSES: dict[str, str] = {
    "nucleus": "GO:0005634",
    "cytoplasm": "GO:0005737",
    "mitochondrion": "GO:0005739",
    "endoplasmic reticulum": "GO:0005783",
    "plasma membrane": "GO:0005886",
    "extracellular": "GO:0005576",
}
CATALYTIC_ACTIVITY = "GO:0003824"
UNINFORMATIVE_MF = frozenset({"GO:0003674", "GO:0005488", "GO:0005515"})
ENZYME_CLASSES = ("not enzyme", "enzyme")


@dataclass
class GoGraph:
    """Ancestors of each GO term (from the package's transitive closure) and term names."""

    ancestors: dict[str, frozenset[str]]
    names: dict[str, str]

    def lineage(self, term: str) -> frozenset[str]:
        """The term and all its ancestors."""
        return self.ancestors.get(term, frozenset()) | {term}


def load_graph(root: Path, wanted: Iterable[str] | None = None) -> GoGraph:
    """Read ``fullTransitiveClosureGO.txt`` (child, relation, ancestor, distance) and names.

    With ``wanted``, only ancestors in that set are kept (much less memory).
    """
    keep = set(wanted) if wanted is not None else None
    anc: dict[str, set[str]] = {}
    with open(root / "fullTransitiveClosureGO.txt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.split("\t")
            if len(parts) < 3:
                continue
            child, parent = parts[0], parts[2]
            if keep is None or parent in keep:
                anc.setdefault(child, set()).add(parent)
    names: dict[str, str] = {}
    mapping = root / "nameMapping.txt"
    if mapping.is_file():
        with open(mapping, encoding="utf-8") as fh:
            for line in fh:
                term, _, name = line.rstrip("\n").partition("\t")
                names[term] = name
    return GoGraph({k: frozenset(v) for k, v in anc.items()}, names)


def graph_terms() -> set[str]:
    """The ancestor terms the label rules look at."""
    return set(LOCALIZATION_CLASSES.values()) | {CATALYTIC_ACTIVITY}


def term_classes(term: str, graph: GoGraph) -> set[str]:
    """Most specific localisation classes one annotated term reaches."""
    lineage = graph.lineage(term)
    hit = {c for c, go in LOCALIZATION_CLASSES.items() if go in lineage}
    # drop a class when a more specific reached class descends from it (mitochondrion -> cytoplasm)
    return {
        c
        for c in hit
        if not any(
            o != c and LOCALIZATION_CLASSES[c] in graph.lineage(LOCALIZATION_CLASSES[o])
            for o in hit
        )
    }


def localization_label(terms: Iterable[str], graph: GoGraph) -> str | None:
    """One class, or None (no class, or ambiguous: terms in two classes)."""
    classes: set[str] = set()
    for t in terms:
        classes |= term_classes(t, graph)
    return next(iter(classes)) if len(classes) == 1 else None


def enzyme_label(terms: Iterable[str], graph: GoGraph) -> str | None:
    """``"enzyme"``, ``"not enzyme"``, or None when only uninformative terms are annotated."""
    terms = set(terms)
    if any(CATALYTIC_ACTIVITY in graph.lineage(t) for t in terms):
        return "enzyme"
    return "not enzyme" if terms - UNINFORMATIVE_MF else None
