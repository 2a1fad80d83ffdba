"""Training panel: LoRA at one or more (r, alpha) against full fine-tuning and head-only, streamed.

The comparison trains in a child process this session owns (`lora_demo.background`): no step
waits on the page, the browser or the server's other Python threads (a training thread in the
server shared the GIL with them and ran 2-14x slower than the library, bench/RESULTS.md).
Two fragments: the inputs and Train (a change reruns only them), and the live view, which polls
the child every POLL_S with short fragment runs while it trains (`run_every`), redrawing the curves
at most every CHART_EVERY_S. Between polls no script runs: an earlier design followed the child in
one fragment run that lasted the whole training, and the browser animated its "running" state all
along, on the cores the training uses (head-only steps 1.2x the library's; 1.0x with the animations
off, bench/RESULTS.md). A click anywhere (Stop included) is handled at once. Starting and ending a
training rerun the page once, which switches the polling on and off. A browser that goes away stops
its training (after DISCONNECTED_GRACE_S).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lora_demo import TASKS, LoraSettings, RunSpec, load_user_task, make_task
from lora_demo.background import DONE, FAILED, STOPPED, BackgroundTraining, TrainingBusy
from lora_demo.real_tasks import REAL_TASKS, load_real_task, majority_baseline
from ui.core import t
from ui.lab.common import guarded, is_live, show_error
from ui.lab.real_data import built_real_tasks, data_card
from ui.lab.train_results import results_table, train_figure
from ui.plain_text import md_text

STATE = "lab_train_state"
RUNS_AUTO = "lab_runs_auto"  # the last r:alpha the runs box was filled with
UPLOAD = "upload"
KEPT_UPLOAD = "lab_upload_kept"  # (name, bytes) of the chosen file, kept while other tabs are open
STEP_CHOICES = (5, 10, 20, 30, 50, 100)
BATCH_CHOICES = (2, 4, 8, 16)
POLL_S = 2.0  # how often the live view polls the training child (and moves the bar)
CHART_EVERY_S = 5.0  # a redraw costs the server ~50 ms, the browser more, on the training cores
DISCONNECTED_GRACE_S = 10.0  # a closed browser stops its training; a brief reconnect does not


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
    state = st.session_state.get(STATE)
    if state is not None:
        state["job"].stop()


def _keep_upload() -> None:
    """Keep the chosen file's name and bytes (≤ 1 MB, checked when used) beyond the widget.

    Only the open Lab tab is drawn (lazy_tabs), and Streamlit cannot give a file uploader its file
    back: without this, the file was lost whenever the learner looked at another tab. The
    uploader's own change (a new file, or its × pressed) is what replaces or clears it.
    """
    upload = st.session_state.get("lab_upload")
    st.session_state[KEPT_UPLOAD] = None if upload is None else (upload.name, upload.getvalue())


def _task(source: str):
    if source in REAL_TASKS:
        return load_real_task(source, "small")
    if source == UPLOAD:
        kept = st.session_state.get(KEPT_UPLOAD)
        if kept is None:
            return None
        name, data = kept
        return load_user_task(data, name)
    return make_task(source)


def train_panel(settings: LoraSettings) -> None:
    """The inputs, Stop, and the live view of this session's training (if any)."""
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
    _inputs_fragment(settings)
    state = st.session_state.get(STATE)
    training = state is not None and state["job"].running
    # polls only while a child trains; the page reruns once when it starts and once when it ends
    st.fragment(run_every=POLL_S if training else None)(_live_view)()


@st.fragment
def _inputs_fragment(settings: LoraSettings) -> None:
    ss = st.session_state
    for key, value in (
        ("lab_steps", 30),
        ("lab_batch", 8),
        ("lab_run_full", True),
        ("lab_run_head", True),
    ):
        ss.setdefault(key, value)
    _follow_settings(settings)
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
            on_change=_keep_upload,
        )
        st.caption(t("lab.train.upload_limits"))
        kept = ss.get(KEPT_UPLOAD)
        if kept is not None and ss.get("lab_upload") is None:  # chosen before leaving the tab
            st.caption(t("lab.train.upload_kept", name=md_text(kept[0], 120)))
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
    status_slot = st.empty()  # what kept a run from starting
    started = False
    with guarded(t("lab.tab.train")):
        if ss.pop("lab_train_requested", False):
            started = _start(settings, status_slot)
    if started:
        st.rerun()  # the whole panel again: the live view now polls the new child


def _live_view() -> None:
    """The bar and the curves while this session's training runs; then how it ended."""
    state = st.session_state.get(STATE)
    if state is None:
        st.info(t("lab.train.press_run"), icon=":material/play_arrow:")
    elif state["job"].running:
        _progress(state)
    elif state.pop("polled", False):  # this view polled: once more as a whole page, no timer
        st.rerun()
    else:
        _outcome(state)


def _progress(state: dict) -> None:
    job: BackgroundTraining = state["job"]
    steps = list(job.steps)
    state["polled"] = True
    if steps:
        rep = steps[-1]
        text = t("lab.train.progress", run=rep.run, step=rep.step, steps=state["total"])
        st.progress(min(len(steps) / (state["total"] * state["n_runs"]), 1.0), text=text)
    else:
        st.progress(0.0, text=t("lab.train.starting"))
    now = time.monotonic()
    first = steps and state.get("chart") is None
    if first or now - state.get("chart_at", 0.0) >= CHART_EVERY_S:
        state["chart"], state["chart_at"] = (train_figure(steps) if steps else None), now
    if state.get("chart") is not None:  # between redraws the same figure: the browser keeps it
        st.plotly_chart(state["chart"], config={"displayModeBar": False}, key="lab_train_chart")


def _outcome(state: dict) -> None:
    job: BackgroundTraining = state["job"]
    if job.status == FAILED and job.error is not None:
        show_error(job.error, t("lab.tab.train"))
    elif job.status == STOPPED:
        st.warning(t("lab.train.stopped"), icon=":material/stop_circle:")
    elif job.status == DONE:
        st.success(
            t("lab.train.done", task=md_text(state["task"], 80)), icon=":material/check_circle:"
        )
    steps = list(job.steps)
    if not steps:
        return
    st.plotly_chart(train_figure(steps), config={"displayModeBar": False}, key="lab_train_chart")
    st.dataframe(results_table({**state, "steps": steps}), hide_index=True, width="stretch")
    if state.get("baseline") is not None:
        st.caption(t("lab.train.baseline", acc=f"{state['baseline']:.3f}", n=state["n_val"]))
    st.caption(t("lab.train.mem_note"))


def _follow_settings(settings: LoraSettings) -> None:
    """The runs box shows the current r:alpha until the user writes something else in it."""
    ss = st.session_state
    auto = f"{settings.r}:{settings.alpha:g}"
    if ss.get("lab_runs") in (None, ss.get(RUNS_AUTO)):
        ss["lab_runs"] = auto
    ss[RUNS_AUTO] = auto


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


def _start(settings: LoraSettings, status_slot) -> bool:
    """Check the inputs here (a clear message at once), then train in this session's child.

    True when a child started; else the reason is in `status_slot`."""
    ss = st.session_state
    try:
        specs = _specs(settings)
    except _RunsError as exc:
        status_slot.error(t("lab.train.bad_runs", part=md_text(exc, 120)), icon=":material/edit:")
        return False
    if not specs:
        status_slot.info(t("lab.train.no_runs"))
        return False
    task = _task(ss["lab_task"])
    if task is None:
        status_slot.info(t("lab.train.need_upload"), icon=":material/upload_file:")
        return False
    previous = ss.get(STATE)
    if previous is not None and previous["job"].running:  # one training per session at a time
        previous["job"].stop()
        previous["job"].wait(60.0)
    steps, batch = int(ss["lab_steps"]), int(ss["lab_batch"])
    job = BackgroundTraining()
    try:
        job.start(task, specs, steps, batch, eval_every=max(1, steps // 5), alive=_session_alive())
    except TrainingBusy as exc:  # a class pressed Train at once: nothing started, nothing lost
        status_slot.warning(t("lab.train.busy", n=exc.limit), icon=":material/hourglass_top:")
        return False
    ss[STATE] = {
        "job": job,
        "task": task.name,
        "baseline": majority_baseline(task)[1] if task.kind == "seq" else None,
        "n_val": len(task.val),
        "total": steps,
        "n_runs": len(specs),
    }
    return True


def _session_alive() -> Callable[[], bool]:
    """True while this browser session is connected (or was, within the grace period)."""
    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():  # AppTest, bare mode: no browser session to watch
        return lambda: True
    runtime, session_id = Runtime.instance(), ctx.session_id
    last_seen = [time.monotonic()]

    def alive() -> bool:
        now = time.monotonic()
        if runtime.is_active_session(session_id):
            last_seen[0] = now
            return True
        return now - last_seen[0] < DISCONNECTED_GRACE_S

    return alive
