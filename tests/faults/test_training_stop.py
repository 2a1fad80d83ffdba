"""A training run that is stopped, or whose browser went away, releases everything it held.

The Lab polls ``should_stop`` (the Stop button) before every step; when a browser closes,
Streamlit stops the script by raising inside the next ``st`` call, which during training is the
``on_step`` callback. Either way the run's model, optimizer and batches must be freed, the shared
base model left untouched, and the next run must work.
"""

from __future__ import annotations

import gc
import math
import threading
import warnings

import pytest
import torch
from peft import PeftModel

from lora_demo import LoraSettings, ProteinTask, RunSpec, cached_base, make_task, train
from tests.support.lora import fingerprint

SETTINGS = LoraSettings(model="esm2_t6_8M", r=4, alpha=8, targets=("query", "value"))


class BrowserClosed(Exception):
    """What Streamlit raises in a script thread whose session went away."""


def _alive(kind: type) -> int:
    """How many objects of `kind` the garbage collector still tracks."""
    gc.collect()
    with warnings.catch_warnings():  # isinstance() on some torch module objects warns
        warnings.simplefilter("ignore")
        return sum(isinstance(obj, kind) for obj in gc.get_objects())


@pytest.fixture(scope="module")
def task() -> ProteinTask:
    return make_task("net-charge", n=24, min_len=12, max_len=20, seed=3)


def _base_print() -> str:
    return fingerprint(cached_base(SETTINGS.model, SETTINGS.head, 2).model)


def test_stop_button_mid_run_releases_the_model_and_the_next_run_works(task: ProteinTask) -> None:
    base_before = _base_print()
    models_before = _alive(PeftModel)
    threads_before = threading.active_count()
    steps_seen: list[int] = []
    result = train(
        task,
        RunSpec("stopped", "lora", SETTINGS),
        steps=50,
        batch_size=4,
        eval_every=50,
        on_step=lambda rep: steps_seen.append(rep.step),
        should_stop=lambda: len(steps_seen) >= 2,
    )
    assert result.stopped and len(result.steps) == 2 and steps_seen == [1, 2]
    assert _alive(PeftModel) == models_before, "the stopped run's model is still alive"
    assert threading.active_count() <= threads_before, "the run left a thread behind"
    assert _base_print() == base_before, "training changed the shared base model"

    again = train(task, RunSpec("next", "lora", SETTINGS), steps=2, batch_size=4, eval_every=2)
    assert not again.stopped and len(again.steps) == 2
    assert all(math.isfinite(step.train_loss) for step in again.steps)
    assert again.final is not None and again.final.val_metric is not None


def test_browser_closed_during_a_run_releases_the_model(task: ProteinTask) -> None:
    base_before = _base_print()
    models_before = _alive(PeftModel)

    def on_step(report: object) -> None:
        if report.step == 2:  # type: ignore[attr-defined]
            raise BrowserClosed

    with pytest.raises(BrowserClosed) as info:
        train(task, RunSpec("closed", "lora", SETTINGS), steps=50, batch_size=4, on_step=on_step)
    del info  # the traceback holds the run's frames (as Streamlit drops it after the stop)
    assert _alive(PeftModel) == models_before, "the abandoned run's model is still alive"
    assert _base_print() == base_before

    again = train(task, RunSpec("next", "lora", SETTINGS), steps=1, batch_size=4)
    assert len(again.steps) == 1 and math.isfinite(again.steps[0].train_loss)


def test_repeated_stopped_runs_do_not_grow_memory(task: ProteinTask) -> None:
    def one_stopped_run() -> None:
        seen: list[int] = []
        train(
            task,
            RunSpec("s", "lora", SETTINGS),
            steps=50,
            batch_size=4,
            eval_every=50,
            on_step=lambda rep: seen.append(rep.step),
            should_stop=lambda: bool(seen),
        )

    one_stopped_run()  # warm-up: caches, allocator pools, tokenizer
    gc.collect()
    tensors_before = _alive(torch.Tensor)
    for _ in range(4):
        one_stopped_run()
    assert _alive(torch.Tensor) <= tensors_before, "tensors accumulate across stopped runs"
