"""The Lab's r slider to PEFT's LoraConfig: each module entered once, settings validated once.

Runs what one Lab rerun runs for the Parameters tab after the r slider moved (the controls make
``LoraSettings``, the weights note decides the source, the panel counts) under a profiler that
records which project modules the walk enters (tests/support/module_walk.py).
"""

from __future__ import annotations

from lora_demo import DEFAULT_SETTINGS, CountResult, LoraSettings, count, resolve_source
from tests.support.module_walk import trace_walk


def _rerun(r: int, alpha: float) -> CountResult:
    d = DEFAULT_SETTINGS
    settings = LoraSettings(model=d.model, head=d.head, r=r, alpha=alpha, targets=d.targets)
    weights = resolve_source(settings)  # ui.lab.weights.weights_note, once per rerun
    return count(settings, weights)  # ui.lab.params_panel (the matched tab reuses the cache)


def test_r_walk_enters_each_module_once_and_validates_once() -> None:
    _rerun(r=36, alpha=3.5)  # imports and lazy names first: only the walk itself is traced
    walk = trace_walk(lambda: _rerun(r=37, alpha=3.5))  # an r no other test counts
    assert walk.reentered == ()
    assert walk.settings_checks == 1
    # a real count: settings -> counting -> the PEFT model (where LoraConfig is made) on meta
    assert walk.walk[:3] == ("lora_demo.config", "lora_demo.counting", "lora_demo.peft_models")
    result = walk.result
    assert result.matches_formula and result.trainable == 37 * (320 + 320) * 2 * 6 + 103_362


def test_the_tracer_sees_a_module_entered_again_and_a_second_validation() -> None:
    """The measure can fail: settings made again after counting is config -> counting -> config."""
    _rerun(r=38, alpha=2.5)

    def back_to_settings() -> LoraSettings:
        count(LoraSettings(r=39, alpha=2.5))
        return LoraSettings(r=40, alpha=2.5)

    walk = trace_walk(back_to_settings)
    assert walk.reentered == ("lora_demo.config",)
    assert walk.settings_checks == 2
