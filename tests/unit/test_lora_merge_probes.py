"""Merge equivalence, the two misleading checks, init/gradient facts and dropout placement."""

from __future__ import annotations

import math

import pytest

import tests.support.lora  # noqa: F401  (offline env)
from lora_demo import LoraSettings, dropout_placement, init_and_gradients, merge_check


def test_merge_equivalence_float32_within_1e5_on_8m() -> None:
    rep = merge_check(LoraSettings(targets=("query", "key", "value", "output.dense")))
    assert {r.comparison for r in rep.rows} == {
        "merge_adapter",
        "unmerge_adapter",
        "merge_and_unload",
    }
    for row in rep.rows:
        assert row.max_abs_diff <= 1e-5 and row.mean_abs_diff <= row.max_abs_diff
        assert row.verdicts["1e-5 (this project)"]
    assert rep.adapter_vs_base["float32"] > 1e-3  # non-vacuous: the adapter changes the output
    assert rep.passed


@pytest.mark.parametrize("head", ["mlm", "token"])
def test_merge_other_heads(head: str) -> None:
    rep = merge_check(LoraSettings(head=head, targets=("value", "intermediate.dense")))
    assert rep.passed


def test_half_precision_rows_have_verdicts() -> None:
    rep = merge_check(LoraSettings(), ("bfloat16", "float16"))
    assert {r.dtype for r in rep.rows} == {"bfloat16", "float16"}
    assert all(r.verdicts and r.max_abs_diff < 0.05 for r in rep.rows)


def test_zero_b_check_is_vacuous() -> None:
    rep = merge_check(LoraSettings(), randomize_b=False)
    assert rep.adapter_vs_base["float32"] == 0.0
    assert all(r.max_abs_diff == 0.0 for r in rep.rows)
    assert any("vacuous" in n for n in rep.notes)


def test_train_mode_dropout_breaks_equality() -> None:
    rep = merge_check(LoraSettings(dropout=0.3), train_mode=True)
    assert rep.dropout == 0.3
    assert all(r.max_abs_diff > 1e-4 for r in rep.rows)
    assert not rep.passed


def test_init_and_gradient_facts() -> None:
    rep = init_and_gradients()
    assert rep.max_abs_diff_vs_base == 0.0
    assert rep.b_max_abs == 0.0
    assert rep.grad_a_max_abs == 0.0  # exactly zero
    assert rep.grad_b_max_abs > 0.0
    assert rep.grad_a_max_abs_after_step > 0.0
    assert rep.b_max_abs_after_step == pytest.approx(rep.lr, rel=1e-3)  # first Adam step = lr
    # kaiming-uniform(a=sqrt(5)): U(-1/sqrt(in), 1/sqrt(in)), std = bound/sqrt(3)
    assert -rep.a_bound <= rep.a_min and rep.a_max <= rep.a_bound
    assert rep.a_max > 0.95 * rep.a_bound
    assert rep.a_std == pytest.approx(rep.a_bound / math.sqrt(3), rel=0.05)


def test_gaussian_init_std_is_one_over_r() -> None:
    rep = init_and_gradients(LoraSettings(init="gaussian", r=8, head="token"))
    assert rep.a_std == pytest.approx(1 / 8, rel=0.1)
    assert rep.grad_a_max_abs == 0.0 and rep.max_abs_diff_vs_base == 0.0


def test_random_init_is_not_a_noop() -> None:
    rep = init_and_gradients(LoraSettings(init="random"))
    assert rep.max_abs_diff_vs_base > 0.0 and rep.grad_a_max_abs > 0.0


def test_dropout_only_on_lora_branch_input() -> None:
    rep = dropout_placement(0.5)
    assert rep.lora_input_zero_fraction_train == pytest.approx(0.5, abs=0.03)
    assert rep.lora_input_scale_train == pytest.approx(2.0, rel=1e-4)
    assert rep.base_input_zero_fraction_train == 0.0
    assert rep.lora_input_zero_fraction_eval == 0.0
    assert rep.module.endswith("attention.self.query")


@pytest.mark.parametrize("init", ["pissa_niter_4", "olora", "orthogonal"])
def test_other_offline_inits_build_and_merge(init: str) -> None:
    s = LoraSettings(init=init, r=4, targets=("value",))
    rep = merge_check(s, randomize_b=False)  # these inits start with B != 0 by construction
    assert rep.passed
    if init != "orthogonal":  # PiSSA / OLoRA move the principal part into the adapter
        assert rep.adapter_vs_base["float32"] > 0.0
