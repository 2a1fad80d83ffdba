"""Training panel: LoRA at one or more (r, alpha) against full fine-tuning and head-only, streamed.

The inputs and Train run inside a fragment (they rerun only this panel). Stop, like any widget outside
the fragment, triggers a full rerun, which preempts the running loop at its next step; the loop's
`finally` then marks the run as stopped and frees the model, and the rerun draws a consistent table of
what finished. `should_stop` also reads the session flag that Stop sets.
"""

from __future__ import annotations

import gc
import re
import threading
import time

import streamlit as st

from lora_demo import TASKS, LoraSettings, RunSpec, StepReport, load_user_task, make_task, train
from lora_demo.real_tasks import REAL_TASKS, load_real_task, majority_baseline
from ui.core import t
from ui.lab.common import guarded, is_live
from ui.lab.real_data import built_real_tasks, data_card
from ui.lab.train_results import results_table, train_figure
from ui.plain_text import md_text

STATE = "lab_train_state"
UPLOAD = "upload"
STEP_CHOICES = (5, 10, 20, 30, 50, 100)
BATCH_CHOICES = (2, 4, 8, 16)


def parse_runs(text: str) -> list[tuple[int, float]]:
    """'8:16, 4:8' -> [(8, 16.0), (4, 8.0)]; a bare '8' means alpha = 2r."""
    out = []
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        m = re.fullmatch(r"(\d+)(?::(\d+(?:\.\d+)?))?", part)
        if not m:
            raise ValueError(part)
        r = int(m.group(1))
        out.append((r, float(m.group(2)) if m.group(2) else 2.0 * r))
    return out


def _request() -> None:
    st.session_state["lab_train_requested"] = True


def _stop() -> None:
    st.session_state["lab_train_stop"] = True


def _task(source: str):
    if source in REAL_TASKS:
        return load_real_task(source, "small")
    if source == UPLOAD:
        upload = st.session_state.get("lab_upload")
        if upload is None:
            return None
        return load_user_task(upload.getvalue(), upload.name)
    return make_task(source)


def train_panel(settings: LoraSettings) -> None:
    """Stop lives outside the fragment on purpose: a click on a widget inside a running fragment is
    queued until the run ends, while a full-app rerun preempts it at the next step."""
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.caption(t("lab.train.intro"))
    if not is_live(settings.model):
        st.info(t("lab.train.too_large"), icon=":material/block:")
        return
    right.button(
        t("lab.train.stop"),
        key="lab_train_stop_btn",
        on_click=_stop,
        icon=":material/stop:",
        width="stretch",
    )
    _train_fragment(settings)


@st.fragment
def _train_fragment(settings: LoraSettings) -> None:
    ss = st.session_state
    for key, value in (
        ("lab_steps", 30),
        ("lab_batch", 8),
        ("lab_runs", f"{settings.r}:{settings.alpha:g}"),
        ("lab_run_full", True),
        ("lab_run_head", True),
    ):
        ss.setdefault(key, value)
    real = built_real_tasks()  # real proteins first when built; synthetic tasks always offered
    task_choices = [*real, *TASKS, UPLOAD]
    if ss.get("lab_task") not in task_choices:
        ss["lab_task"] = real[0] if real else "net-charge"
    c1, c2, c3 = st.columns([2, 1, 1])
    task_labels = {x: t(f"lab.task.{x}") for x in task_choices}
    c1.radio(
        t("lab.train.task"),
        task_choices,
        key="lab_task",
        horizontal=True,
        format_func=task_labels.__getitem__,
    )
    c2.select_slider(t("lab.train.steps"), STEP_CHOICES, key="lab_steps")
    c3.select_slider(t("lab.train.batch"), BATCH_CHOICES, key="lab_batch")
    if ss["lab_task"] in REAL_TASKS:
        data_card(ss["lab_task"])
    elif not real:
        st.caption(t("lab.real.synthetic_only"))
    if ss["lab_task"] == UPLOAD:
        st.file_uploader(
            t("lab.train.upload"),
            type=["csv", "fasta", "fa", "faa", "txt"],
            key="lab_upload",
            help=t("lab.train.upload_help"),
        )
        st.caption(t("lab.train.upload_limits"))
    c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="bottom")
    c1.text_input(t("lab.train.runs"), key="lab_runs", max_chars=200, help=t("lab.train.runs_help"))
    c2.checkbox(t("lab.train.full"), key="lab_run_full")
    c3.checkbox(t("lab.train.head"), key="lab_run_head")
    st.button(
        t("lab.train.run"),
        key="lab_train_go",
        type="primary",
        on_click=_request,
        icon=":material/play_arrow:",
    )
    status_slot, chart_slot, table_slot = st.empty(), st.empty(), st.empty()
    with guarded(t("lab.tab.train")):
        if ss.pop("lab_train_requested", False):
            _run(settings, status_slot, chart_slot)
    state = ss.get(STATE)
    if state and state["status"] == "running" and state["thread"] != threading.get_ident():
        _wait_for_previous_run(state)
    if not state or state["status"] == "running":
        chart_slot.info(t("lab.train.press_run"), icon=":material/play_arrow:")
        return
    if state["status"] == "stopped":
        status_slot.warning(t("lab.train.stopped"), icon=":material/stop_circle:")
    elif state["status"] == "done":
        status_slot.success(
            t("lab.train.done", task=md_text(state["task"], 80)), icon=":material/check_circle:"
        )
    if not state["steps"]:
        return
    chart_slot.plotly_chart(
        train_figure(state["steps"]), config={"displayModeBar": False}, key="lab_train_chart"
    )
    with table_slot.container():
        st.dataframe(results_table(state), hide_index=True, width="stretch")
        if state.get("baseline") is not None:
            st.caption(t("lab.train.baseline", acc=f"{state['baseline']:.3f}", n=state["n_val"]))
        st.caption(t("lab.train.mem_note"))


def _specs(settings: LoraSettings) -> list[RunSpec]:
    ss = st.session_state
    try:
        pairs = parse_runs(str(ss["lab_runs"])[:200])
    except ValueError as exc:
        raise _RunsError(str(exc)) from None
    specs = []
    for r, alpha in pairs:
        s = settings.with_(r=r, alpha=alpha)  # new settings: checked when made
        specs.append(RunSpec(f"LoRA r={r} α={alpha:g}", "lora", s))
    if ss["lab_run_full"]:
        specs.append(RunSpec(t("lab.train.full"), "full", settings))
    if ss["lab_run_head"]:
        specs.append(RunSpec(t("lab.train.head"), "head", settings))
    return specs


class _RunsError(ValueError):
    pass


def _run(settings: LoraSettings, status_slot, chart_slot) -> None:
    ss = st.session_state
    try:
        specs = _specs(settings)
    except _RunsError as exc:
        status_slot.error(t("lab.train.bad_runs", part=md_text(exc, 120)), icon=":material/edit:")
        return
    if not specs:
        status_slot.info(t("lab.train.no_runs"))
        return
    task = _task(ss["lab_task"])
    if task is None:
        status_slot.info(t("lab.train.need_upload"), icon=":material/upload_file:")
        return
    steps, batch = int(ss["lab_steps"]), int(ss["lab_batch"])
    state = {
        "status": "running",
        "steps": [],
        "runs": [],
        "task": task.name,
        "baseline": majority_baseline(task)[1] if task.kind == "seq" else None,
        "n_val": len(task.val),
        "total": steps,
        "thread": threading.get_ident(),
    }
    ss[STATE] = state
    ss["lab_train_stop"] = False  # a Stop from an earlier run must not stop this one
    total = steps * len(specs)
    bar = status_slot.progress(0.0, text=t("lab.train.starting"))

    def on_step(rep: StepReport) -> None:
        state["steps"].append(rep)
        done = len(state["steps"])
        bar.progress(
            min(done / total, 1.0),
            text=t("lab.train.progress", run=rep.run, step=rep.step, steps=steps),
        )
        chart_slot.plotly_chart(
            train_figure(state["steps"]),
            config={"displayModeBar": False},
            key=f"lab_train_live_{done}",
        )

    try:
        for spec in specs:
            result = train(
                task,
                spec,
                steps,
                batch,
                seed=0,
                eval_every=max(1, steps // 5),
                on_step=on_step,
                should_stop=lambda: ss.get("lab_train_stop", False),
            )
            state["runs"].append(result.run)
            if result.stopped:
                state["status"] = "stopped"
                break
        else:
            state["status"] = "done"
    finally:
        if state["status"] == "running":  # interrupted by a click or an error
            state["status"] = "stopped"
        gc.collect()  # the run's model and optimizer are gone; give the memory back now
        status_slot.empty()


def _wait_for_previous_run(state: dict, limit_s: float = 60.0) -> None:
    """A click outside the fragment starts a new script run while the old one is still inside a
    training step; it stops at the step's end (Stop's flag or Streamlit's stop signal). Wait for
    that, so this run draws the final, consistent table instead of a half-updated panel."""
    deadline = time.monotonic() + limit_s
    while state["status"] == "running" and time.monotonic() < deadline:
        time.sleep(0.1)
