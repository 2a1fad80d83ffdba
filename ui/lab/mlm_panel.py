"""MLM panel: masked-token accuracy and perplexity on real sequences for the current weights.

Random init against the chosen source (a folder, the cache, or the project's pretrained
checkpoint), on the same sequences and the same masked positions (fixed seed).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lora_demo import LoraSettings, ResolvedSource, load_base
from lora_demo.mlm import evaluate_mlm
from lora_demo.project_checkpoint import project_checkpoint
from lora_demo.real_tasks import load_real_task
from ui.core import t
from ui.lab.common import guarded, is_live
from ui.lab.real_data import built_real_tasks
from ui.lab.weights import project_label, shown_provenance

N_SEQUENCES = 100  # about 25k tokens: a few seconds for 8M on two CPU cores
MAX_RESIDUES = 254
RESULTS = "lab_mlm_results"


def _sequences() -> list[str] | None:
    """Validation proteins of the first built real task (never seen by the project's pretraining)."""
    tasks = built_real_tasks()
    if not tasks:
        return None
    task = load_real_task(tasks[0], "small")
    return [s for s, _ in task.val[:N_SEQUENCES]]


def _evaluate(model: str, source: str, seed: int, seqs: list[str]) -> dict:
    base = load_base(model, "mlm", source=source, seed=seed)
    ev = evaluate_mlm(base.model, seqs, max_residues=MAX_RESIDUES)
    return {"provenance": base.provenance, **ev.to_dict()}


def _want() -> None:
    st.session_state["lab_mlm_want"] = True


def mlm_panel(settings: LoraSettings, resolved: ResolvedSource) -> None:
    st.caption(t("lab.mlm.intro"))
    ckpt = project_checkpoint()
    if ckpt is not None:
        with st.expander(
            t("lab.mlm.card_title", label=project_label(ckpt)), icon=":material/description:"
        ):
            st.text(ckpt.card)  # shown as text, exactly as written
    if not is_live(settings.model):
        st.info(t("lab.mlm.too_large"), icon=":material/block:")
        return
    seqs = _sequences()
    if seqs is None:
        st.info(t("lab.mlm.need_data"), icon=":material/dataset:")
        return
    source, provenance = resolved.location, resolved.provenance
    key = (settings.model, source, settings.seed)
    results = st.session_state.setdefault(RESULTS, {})
    st.button(t("lab.mlm.run"), key="lab_mlm_go", icon=":material/play_arrow:", on_click=_want)
    if st.session_state.pop("lab_mlm_want", False):
        with guarded(t("lab.tab.mlm")), st.spinner(t("lab.mlm.running", n=len(seqs))):
            rows = {"random": _evaluate(settings.model, "random", settings.seed, seqs)}
            if source != "random":
                rows["source"] = _evaluate(settings.model, source, settings.seed, seqs)
            results[key] = rows
    rows = results.get(key)
    if not rows:
        shown = shown_provenance(provenance)
        st.info(t("lab.mlm.press_run", provenance=shown), icon=":material/play_arrow:")
        return
    _results_table(rows)
    st.caption(t("lab.mlm.note", n=rows["random"]["sequences"], max_residues=MAX_RESIDUES))


def _results_table(rows: dict[str, dict]) -> None:
    """One column per weights source, one row per measure: the numbers fit a projector's width
    (a long provenance in a column of its own pushed them off the table at 1280 px); the
    provenance of each column is written under the table, as text and without server folders."""
    names = {"random": t("lab.mlm.col_random"), "source": t("lab.mlm.col_source")}
    measures = [t("lab.mlm.col_acc"), t("lab.mlm.col_ppl"), t("lab.mlm.col_tokens")]
    columns = {
        names[which]: [
            f"{r['masked_accuracy']:.3f}",
            f"{r['perplexity']:.2f}",
            f"{r['masked_tokens']:,}",
        ]
        for which, r in rows.items()
    }
    table = pd.DataFrame({t("lab.mlm.col_measure"): measures, **columns})
    st.dataframe(table, hide_index=True, width="stretch")
    for which, r in rows.items():
        st.caption(f"{names[which]}: {shown_provenance(r['provenance'])}")
