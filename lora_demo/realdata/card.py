"""The data card of a built task: length histograms and the Markdown written beside the files."""

from __future__ import annotations

import itertools
from typing import Any

LENGTH_BINS = (0, 50, 100, 200, 300, 400, 600, 800, 1000, 1500, 2000, 5000, 10**9)


def histogram(lengths: list[int]) -> list[dict[str, Any]]:
    """Counts per length bin (residues)."""
    out = []
    for lo, hi in itertools.pairwise(LENGTH_BINS):
        n = sum(1 for x in lengths if lo <= x < hi)
        if n:
            out.append({"from": lo, "to": hi if hi < 10**9 else None, "count": n})
    return out


def card_markdown(card: dict[str, Any]) -> str:
    """The data card as Markdown (the Lab shows the JSON as tables; this is for humans on disk)."""
    lines = [
        f"# Data card: {card['task']} — {card['title']}",
        "",
        f"- Source: {card['source']}",
        f"- Licence: {card['licence']}",
        f"- Built: {card['built']}",
        f"- Labelled proteins: {card['labelled']:,} (left out, no or ambiguous label: "
        f"{card['left_out_no_or_ambiguous_label']:,})",
        f"- Split: {card['split_rule']}; clustering {card['clustering'].get('params', '')}",
        "- Label rules: see lora_demo/realdata/go_labels.py",
        "",
        "| class | train | val |",
        "|---|---|---|",
    ]
    for c in card["classes"]:
        lines.append(
            f"| {c} | {card['class_counts']['train'].get(c, 0):,} | {card['class_counts']['val'].get(c, 0):,} |"
        )
    lines += ["", "## Subsets", ""]
    for name, s in card["subsets"].items():
        lines.append(f"### {name} (lengths {s['lengths'][0]}–{s['lengths'][1]})")
        lines.append(f"- train: {s['train']}")
        lines.append(f"- val: {s['val']}")
        if "leakage" in s:
            lk = s["leakage"]
            lines.append(
                f"- leakage check (MMseqs2 search, validation vs training): "
                f"{lk['val_with_hit_over_30']} of {lk['val_proteins']} validation candidates (twice "
                f"the quota) had a training hit ≥ 30% identity over ≥ 50% of either sequence and "
                f"were removed before capping; "
                f"{lk['val_with_hit']} had any hit (E ≤ 1e-3), best-hit identity median "
                f"{lk['median_best_identity']:.2f}, max {lk['max_identity']:.2f}"
            )
        lines.append("")
    lines += ["## Length histogram (all labelled)", "", "| residues | proteins |", "|---|---|"]
    for b in card["length_histogram"]:
        lines.append(f"| {b['from']}–{b['to'] or '…'} | {b['count']:,} |")
    return "\n".join(lines) + "\n"
