"""Parameters and matched-modules panels: PEFT's counts next to the closed form, r-sweep chart."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from lora_demo import MODEL_NAMES, CountResult, LoraSettings, ResolvedSource, count, trainable_vs_r
from ui.core import t
from ui.lab.common import SIZE_LABELS, fmt_int, guarded, is_live, metric_row
from ui.lab.session_model import adapted_layer_view
from ui.lab.sweep_svg import sweep_svg
from ui.plain_text import md_text

R_VALUES = (1, 2, 4, 8, 16, 32, 64)
TABLE_OPEN = "lab_params_table"  # the per-module table's expander (open or not)


@st.cache_data(max_entries=64, show_spinner=False)
def cached_sweep(targets: tuple[str, ...] | str, head: str) -> list[dict]:
    return trainable_vs_r(targets, head, MODEL_NAMES, R_VALUES)


def params_panel(settings: LoraSettings, weights: ResolvedSource) -> None:
    """PEFT's counts for ``settings`` (``weights``: the source the Lab decided this rerun)."""
    with guarded(t("lab.tab.params")):
        c = count(settings, weights)  # the engine caches counts; reruns reuse them
        cols = metric_row(4)
        cols[0].metric(t("lab.params.trainable"), fmt_int(c.trainable))
        cols[1].metric(t("lab.params.total"), fmt_int(c.total))
        cols[2].metric(t("lab.params.percent"), f"{c.percent:.4f} %")
        rule = "α/√r" if settings.use_rslora else "α/r"
        cols[3].metric(
            t("lab.params.scale", rule=rule),
            f"{c.scaling:.4g}",
            help=t("lab.params.scale_help", alpha=f"{settings.alpha:g}", r=settings.r),
        )
        st.code(c.peft_line, language=None, wrap_lines=True)
        if c.matches_formula:
            st.success(
                t("lab.params.formula_ok", n=fmt_int(c.formula_trainable)),
                icon=":material/check_circle:",
            )
        else:
            st.error(
                t(
                    "lab.params.formula_bad",
                    f=fmt_int(c.formula_trainable),
                    p=fmt_int(c.trainable),
                    ft=fmt_int(c.formula_total),
                    pt=fmt_int(c.total),
                ),
                icon=":material/cancel:",
            )
        st.markdown(f"**{t('lab.params.chart_title')}**")
        _sweep_chart(settings)
        _breakdown(c)


def _breakdown(c: CountResult) -> None:
    """The per-module table, drawn only while its expander is open.

    Drawn on every rerun, the table's grid cost the browser about 10-40 ms of the time from an
    r/alpha/target change to the new count (bench/RESULTS.md, "issue 15 part 4, fourth round").
    The key keeps the expander open while its label (the row count) changes.
    """
    box = st.expander(
        t("lab.params.table_title", n=len(c.rows)),
        key=TABLE_OPEN,
        icon=":material/table:",
        on_change="rerun",
    )
    if box.open:
        box.dataframe(_rows_frame(c), hide_index=True, height=320, width="stretch")


def _rows_frame(c: CountResult) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("lab.params.col_kind"): [r.kind for r in c.rows],
            t("lab.params.col_module"): [r.module.removeprefix("esm.encoder.") for r in c.rows],
            "A": ["×".join(map(str, r.a_shape)) if r.a_shape else "" for r in c.rows],
            "B": ["×".join(map(str, r.b_shape)) if r.b_shape else "" for r in c.rows],
            t("lab.params.col_params"): [r.params for r in c.rows],
        }
    )


def _sweep_chart(settings: LoraSettings) -> None:
    try:
        svg = _sweep_picture(
            settings.targets, settings.head, settings.model, t("lab.params.trainable")
        )
    except Exception:  # e.g. a regex that names a layer the small sizes lack
        st.info(t("lab.params.sweep_unavailable"))
        return
    st.image(svg, width="stretch")
    note = "lab.params.chart_note_layers" if settings.layers else "lab.params.chart_note"
    st.caption(t(note, r=settings.r))


@st.cache_data(max_entries=64, show_spinner=False)
def _sweep_picture(targets: tuple[str, ...] | str, head: str, model: str, y_title: str) -> str:
    """The r-sweep chart (SVG); it does not depend on the current r, so an r change keeps it.

    A marker of the current r made every r change redraw the chart, about 45 ms of the ~200 ms
    from the slider to the new count on screen (bench/bench_lab_browser.py); the caption under
    the chart names the current r instead.
    """
    sizes = {name: SIZE_LABELS[name] for name in MODEL_NAMES}
    return sweep_svg(cached_sweep(targets, head), sizes, model, R_VALUES, y_title)


def matched_panel(settings: LoraSettings, weights: ResolvedSource) -> None:
    """Which modules the targets matched, and the pitfalls of what they did."""
    with guarded(t("lab.tab.matched")):
        c = count(settings, weights)
        for pitfall in c.pitfalls:
            title = t(f"lab.pitfall.{pitfall.code}")
            # details can carry the user's own target names: shown as text
            details = {k: md_text(v, 200) for k, v in dict(pitfall.details).items()}
            detail = t(f"lab.pitfall_detail.{pitfall.code}", **details)
            st.warning(f"**{title}**  \n{detail}", icon=":material/warning:")
        if not c.pitfalls:
            st.success(t("lab.matched.no_pitfalls"), icon=":material/check_circle:")
        frame = pd.DataFrame(
            {
                t("lab.matched.col_entry"): list(c.matched_modules),
                t("lab.matched.col_hits"): [len(v) for v in c.matched_modules.values()],
                t("lab.matched.col_names"): [_compact(v) for v in c.matched_modules.values()],
            }
        )
        st.dataframe(frame, hide_index=True, width="stretch")
        with st.expander(t("lab.matched.all_names", n=sum(map(len, c.matched_modules.values())))):
            st.code(
                "\n".join(n for names in c.matched_modules.values() for n in names), language=None
            )
    if is_live(settings.model):
        with guarded(t("lab.matched.layer_title")):
            adapted_layer_view(settings)


def _compact(names: list[str]) -> str:
    """'layer.{0..5}.attention.self.query' style summary of many per-layer names."""

    groups: dict[str, list[str]] = {}
    for name in names:
        m = re.search(r"layer\.(\d+)\.", name)
        pattern = re.sub(r"layer\.\d+\.", "layer.{i}.", name) if m else name
        groups.setdefault(pattern, []).append(m.group(1) if m else "")
    parts = []
    for pattern, idx in groups.items():
        nums = [int(i) for i in idx if i]
        if len(nums) > 1 and nums == list(range(nums[0], nums[-1] + 1)):
            parts.append(pattern.replace("{i}", f"{{{nums[0]}..{nums[-1]}}}") + f" ×{len(nums)}")
        elif len(nums) > 1:
            parts.append(pattern.replace("{i}", "{" + ",".join(map(str, nums)) + "}"))
        else:
            parts.append(pattern.replace("{i}", idx[0]))
    return "; ".join(p.removeprefix("esm.encoder.") for p in parts)
