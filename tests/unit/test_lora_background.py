"""Training in a child process (lora_demo.background): every run streamed back in order, Stop,
a caller that went away, a failure kept as data, a killed child, and a parent that died."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from lora_demo import LoraSettings, LoraSettingsError, ProteinTask, RunSpec, background, make_task
from lora_demo.background import (
    DONE,
    FAILED,
    STOPPED,
    BackgroundTraining,
    TrainingBusy,
    TrainingProcessDied,
)

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = LoraSettings(model="esm2_t6_8M", r=2, alpha=4, targets=("query", "value"))
SPECS = [RunSpec("lora", "lora", SETTINGS), RunSpec("head", "head", SETTINGS)]
LIMIT_S = 300.0  # a generous ceiling for a loaded 2-core machine; each wait returns when done


@pytest.fixture(scope="module")
def task() -> ProteinTask:
    return make_task("net-charge", n=16, min_len=10, max_len=16, seed=4)


def _gone(pid: int) -> bool:
    """No such process, or only its zombie (exited, not yet reaped by whoever adopted it)."""
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in state


def _wait_gone(pid: int, limit_s: float = 60.0) -> bool:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if _gone(pid):
            return True
        time.sleep(0.1)
    return False


def _first_step(job: BackgroundTraining) -> None:
    deadline = time.monotonic() + LIMIT_S
    while not job.steps and job.running and time.monotonic() < deadline:
        job.wait(0.05)
    assert job.steps, f"no step arrived (status {job.status}, error {job.error!r})"


def test_every_run_trains_in_a_child_process_and_streams_its_steps(task: ProteinTask) -> None:
    job = BackgroundTraining()
    job.start(task, SPECS, steps=3, batch_size=4, eval_every=3)
    assert job.pid is not None and job.pid != os.getpid()
    assert job.wait(LIMIT_S) and not job.running
    assert job.status == DONE and job.error is None and job.runs == ["lora", "head"]
    assert [(s.run, s.step) for s in job.steps] == [
        ("lora", 1), ("lora", 2), ("lora", 3), ("head", 1), ("head", 2), ("head", 3),
    ]  # fmt: skip
    assert job.steps[2].val_metric is not None and job.steps[0].seconds_per_step > 0
    assert _wait_gone(job.pid)


def test_stop_ends_the_run_at_the_next_step_and_the_child_exits(task: ProteinTask) -> None:
    threads_before = threading.active_count()
    job = BackgroundTraining()
    job.start(task, SPECS, steps=500, batch_size=4, eval_every=500)
    _first_step(job)
    job.stop()
    assert job.wait(LIMIT_S)
    assert job.status == STOPPED and job.runs == ["lora"] and len(job.steps) < 500
    assert _wait_gone(job.pid)
    assert threading.active_count() <= threads_before  # the reader thread ended too


def test_a_full_server_refuses_a_new_training_until_one_ends(
    task: ProteinTask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(background, "MAX_TRAININGS", 1)
    monkeypatch.setattr(background, "_SLOTS", threading.BoundedSemaphore(1))
    first = BackgroundTraining()
    first.start(task, SPECS[:1], steps=500, batch_size=4, eval_every=500)
    _first_step(first)
    second = BackgroundTraining()
    with pytest.raises(TrainingBusy, match="1 training runs"):
        second.start(task, SPECS[:1], steps=2, batch_size=4, eval_every=2)
    assert second.pid is None  # nothing was started
    first.stop()
    assert first.wait(LIMIT_S)
    second.start(task, SPECS[:1], steps=2, batch_size=4, eval_every=2)  # the slot is free again
    assert second.wait(LIMIT_S) and second.status == DONE


def test_a_caller_that_went_away_stops_its_training(task: ProteinTask) -> None:
    connected = threading.Event()
    connected.set()
    job = BackgroundTraining()
    job.start(task, SPECS[:1], steps=500, batch_size=4, eval_every=500, alive=connected.is_set)
    _first_step(job)
    connected.clear()  # the browser closed
    assert job.wait(LIMIT_S) and job.status == STOPPED and len(job.steps) < 500
    assert _wait_gone(job.pid)


def test_a_failure_is_kept_for_the_caller_not_raised(task: ProteinTask) -> None:
    job = BackgroundTraining()
    job.start(task, [RunSpec("bad", "nonsense", SETTINGS)], steps=2, batch_size=4, eval_every=2)
    assert job.wait(LIMIT_S)
    assert job.status == FAILED and isinstance(job.error, ValueError)
    assert "nonsense" in str(job.error)


def test_a_settings_error_reaches_the_caller_with_its_fields(task: ProteinTask) -> None:
    bad = LoraSettings(model="esm2_t6_8M", r=2, alpha=4, targets=("no_such_module",))
    job = BackgroundTraining()
    job.start(task, [RunSpec("lora", "lora", bad)], steps=2, batch_size=4, eval_every=2)
    assert job.wait(LIMIT_S)
    assert job.status == FAILED and isinstance(job.error, LoraSettingsError)
    assert job.error.setting and "no_such_module" in str(job.error)  # the page names the setting


def test_a_killed_child_is_reported_as_such(task: ProteinTask) -> None:
    job = BackgroundTraining()
    job.start(task, SPECS[:1], steps=500, batch_size=4, eval_every=500)
    _first_step(job)
    os.kill(job.pid, signal.SIGKILL)  # what the kernel's OOM killer does
    assert job.wait(LIMIT_S)
    assert job.status == FAILED and isinstance(job.error, TrainingProcessDied)
    assert job.error.exitcode == -signal.SIGKILL and "exit code -9" in str(job.error)


PARENT = """
import sys, time
sys.path.insert(0, sys.argv[1])
from lora_demo import LoraSettings, RunSpec, make_task
from lora_demo.background import BackgroundTraining

if __name__ == "__main__":
    task = make_task("net-charge", n=16, min_len=10, max_len=16, seed=4)
    job = BackgroundTraining()
    job.start(task, [RunSpec("lora", "lora", LoraSettings(r=2, alpha=4))], 5000, 4, 5000)
    while not job.steps:
        job.wait(0.05)
    print(job.pid, flush=True)
    time.sleep(600)
"""


def test_the_child_ends_when_its_parent_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen(
        [sys.executable, str(script), str(ROOT)], stdout=subprocess.PIPE, text=True
    )
    try:
        child = int(parent.stdout.readline())  # after its first step
        assert not _gone(child)
        parent.kill()  # SIGKILL: no atexit, no cleanup in the parent
        parent.wait(30)
        assert _wait_gone(child), "the training process outlived its parent"
    finally:
        parent.kill()
        parent.wait(30)
