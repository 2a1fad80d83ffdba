"""Counts: PEFT on the meta device vs the closed form and the anchor tables."""

from __future__ import annotations

import pytest

from lora_demo import LoraSettings, build_model, count, trainable_vs_r
from lora_demo.esm import meta_model
from tests.support.lora import ALL_SIX, BASE_COUNTS, QV_R8_SEQ

TARGET_LISTS = [
    ("query", "value"),
    ("query", "key", "value"),
    ("dense",),
    ("output.dense",),
    ALL_SIX,
    ("all-linear",),
    r".*\.layer\.\d+\.attention\.self\.(query|value)",
]


@pytest.mark.parametrize("model", list(BASE_COUNTS))
@pytest.mark.parametrize("head", ["mlm", "seq", "token"])
def test_base_counts_on_meta_match_anchor_table(model: str, head: str) -> None:
    net = meta_model(model, head)
    assert sum(p.numel() for p in net.parameters()) == BASE_COUNTS[model][head]


@pytest.mark.parametrize("model", list(QV_R8_SEQ))
def test_qv_r8_seq_counts_all_sizes(model: str) -> None:
    lora, trainable, pct = QV_R8_SEQ[model]
    c = count(LoraSettings(model=model, head="seq", r=8, alpha=16, targets=("query", "value")))
    assert c.trainable == trainable == c.formula_trainable
    assert c.total == c.formula_total
    assert sum(r.params for r in c.rows if r.kind == "lora") == lora
    assert c.peft_line.endswith(f"trainable%: {pct}")
    assert c.peft_line.startswith(f"trainable params: {trainable:,} || all params: {c.total:,}")


@pytest.mark.parametrize("head", ["mlm", "seq", "token"])
@pytest.mark.parametrize("targets", TARGET_LISTS)
@pytest.mark.parametrize("task_type", ["auto", "none"])
def test_closed_form_equals_peft_for_every_head_and_target_list(head, targets, task_type) -> None:
    c = count(LoraSettings(head=head, targets=targets, r=4, task_type=task_type))
    assert (c.trainable, c.total) == (c.formula_trainable, c.formula_total)
    assert sum(r.params for r in c.rows) == c.trainable


@pytest.mark.parametrize("bias", ["all", "lora_only"])
@pytest.mark.parametrize("head", ["seq", "token", "mlm"])
def test_closed_form_with_bias_policies(bias: str, head: str) -> None:
    c = count(LoraSettings(head=head, targets=("query", "value", "output.dense"), bias=bias))
    assert c.matches_formula


def test_layers_to_transform_and_rslora() -> None:
    c = count(LoraSettings(targets=("key", "value"), layers=(4, 5), use_rslora=True, r=16, alpha=8))
    lora_rows = [r for r in c.rows if r.kind == "lora"]
    assert len(lora_rows) == 4 and all(
        ".layer.4." in r.module or ".layer.5." in r.module for r in lora_rows
    )
    assert (
        c.matches_formula
        and c.scaling == pytest.approx(8 / 4)
        and c.scaling_rule == "alpha/sqrt(r)"
    )


def test_row_shapes_are_peft_shapes() -> None:
    c = count(LoraSettings(targets=("intermediate.dense",), r=8))
    row = next(r for r in c.rows if r.kind == "lora")
    assert (row.in_features, row.out_features) == (320, 1280)
    assert row.a_shape == (8, 320) and row.b_shape == (1280, 8) and row.params == 8 * 1600


def test_matched_modules_and_pitfalls() -> None:
    c = count(LoraSettings(targets=("query", "key", "value", "dense"), task_type="none"))
    codes = {p.code for p in c.pitfalls}
    assert "classifier.dense" in c.matched_modules["dense"]
    assert {"dense_hits_head", "head_frozen_random"} <= codes
    assert len(c.matched_modules["query"]) == 6

    c = count(LoraSettings(targets=("output.dense",)))
    assert len(c.matched_modules["output.dense"]) == 12  # 2 per block
    assert "output_dense_two_per_block" in {p.code for p in c.pitfalls}

    c = count(LoraSettings(targets=("dense",), head="mlm"))
    assert "lm_head.dense" in c.matched_modules["dense"]

    c = count(LoraSettings(targets=("all-linear",), head="seq"))
    assert "esm.contact_head.regression" in c.matched_modules["all-linear"]
    assert "all_linear_contact_head" in {p.code for p in c.pitfalls}
    assert not any(n.startswith("classifier") for n in c.matched_modules["all-linear"])

    c = count(LoraSettings(targets=("query", "dense"), head="seq"))  # SEQ_CLS: head excluded
    assert "head_excluded_modules_to_save" in {p.code for p in c.pitfalls}
    assert not any(n.startswith("classifier") for n in c.matched_modules["dense"])


def test_trainable_vs_r_matches_peft_and_anchors() -> None:
    rows = trainable_vs_r(("query", "value"), models=("esm2_t6_8M", "esm2_t12_35M"))
    lora = {(r["model"], r["r"]): r["lora_params"] for r in rows}
    assert [lora[("esm2_t6_8M", r)] for r in (1, 2, 4, 8, 16, 32, 64)] == [
        7_680,
        15_360,
        30_720,
        61_440,
        122_880,
        245_760,
        491_520,
    ]
    assert lora[("esm2_t12_35M", 64)] == 1_474_560
    for r in rows[::3]:  # the closed form used by the chart equals PEFT
        c = count(LoraSettings(model=r["model"], r=r["r"], targets=("query", "value")))
        assert (c.trainable, c.total) == (r["trainable"], r["total"])


def test_all_six_650m_rank_sweep_anchor() -> None:
    rows = trainable_vs_r(ALL_SIX, models=("esm2_t33_650M",), r_values=(1, 64))
    assert [r["lora_params"] for r in rows] == [760_320, 48_660_480]


def test_real_model_count_equals_meta_count() -> None:
    net = build_model("esm2_t6_8M", "token")
    assert sum(p.numel() for p in net.parameters()) == BASE_COUNTS["esm2_t6_8M"]["token"]


@pytest.mark.parametrize("init", ["gaussian", "random", "pissa", "olora", "orthogonal"])
def test_count_does_not_depend_on_init(init: str) -> None:
    c = count(LoraSettings(init=init, r=4))
    assert c.trainable == count(LoraSettings(r=4)).trainable and c.matches_formula


def test_peft_line_is_what_peft_prints_and_cache_returns_copies() -> None:
    from lora_demo.counting import printed_line
    from lora_demo.peft_models import peft_model

    s = LoraSettings(targets=("query", "key"), r=2)
    pm, _ = peft_model(s.with_(device="meta"))
    assert count(s).peft_line == printed_line(pm)
    a = count(s)
    a.rows.clear()
    assert count(s).rows and count(s, use_cache=False).trainable == a.trainable
