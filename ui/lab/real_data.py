"""Real-task helpers for the Lab: which real tasks are built, and their data card as tables.

User-visible strings from the card (class names, source, licence) are shown as text in tables,
never as Markdown.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lora_demo.real_tasks import REAL_TASKS, is_built, load_card
from ui.core import t


def built_real_tasks() -> list[str]:
    """Real tasks whose small subset is built in the data folder (none without `data build`)."""
    return [name for name in REAL_TASKS if is_built(name, "small")]


def data_card(name: str) -> None:
    """The data card of a built real task: source, licence, split, leakage, classes, lengths."""
    card = load_card(name)
    if card is None:
        st.info(t("lab.real.not_built"), icon=":material/dataset:")
        return
    with st.expander(
        t("lab.real.card_title", task=t(f"lab.task.{name}")), icon=":material/dataset:"
    ):
        facts = [
            (t("lab.real.source"), card.get("source", "")),
            (t("lab.real.licence"), card.get("licence", "")),
            (t("lab.real.built"), card.get("built", "")),
            (t("lab.real.split"), card.get("split_rule", "")),
            (t("lab.real.labelled"), f"{card.get('labelled', 0):,}"),
            (t("lab.real.left_out"), f"{card.get('left_out_no_or_ambiguous_label', 0):,}"),
        ]
        small = card.get("subsets", {}).get("small", {})
        leak = small.get("leakage")
        if leak:
            facts.append((
                t("lab.real.leakage"),
                t("lab.real.leakage_text", removed=leak.get("removed_from_val", 0),
                  checked=leak.get("val_proteins", 0), median=leak.get("median_best_identity", 0.0)),
            ))  # fmt: skip
        st.dataframe(
            pd.DataFrame(facts, columns=[t("lab.real.fact"), t("lab.real.value")]),
            hide_index=True,
            width="stretch",
        )
        rows = [
            {
                t("lab.real.class"): c,
                t("lab.real.all_train"): card["class_counts"]["train"].get(c, 0),
                t("lab.real.all_val"): card["class_counts"]["val"].get(c, 0),
                t("lab.real.small_train"): small.get("train", {}).get(c, 0),
                t("lab.real.small_val"): small.get("val", {}).get(c, 0),
            }
            for c in card.get("classes", [])
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        hist = card.get("length_histogram", [])
        if hist:
            st.caption(t("lab.real.lengths"))
            st.bar_chart(
                pd.DataFrame({
                    t("lab.real.residues"): [f"{b['from']}–{b['to'] or '…'}" for b in hist],
                    t("lab.real.proteins"): [b["count"] for b in hist],
                }).set_index(t("lab.real.residues")),
                height=180,
            )  # fmt: skip
