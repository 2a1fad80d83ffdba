"""Behavioural tests of the s004 reference solutions (questions/solutions/s004_q0{7,8,9}_*.py)."""

from __future__ import annotations

import copy
import math

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader

from tests.support.solutions import load_solution as _load

q07 = _load("s004_q07_lora_linear")
q08 = _load("s004_q08_train_eval")
q09 = _load("s004_q09_adjust_rank")


def _toy_model(dtype: torch.dtype = torch.float32) -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(q07.TinyAttentionBlock(16), q07.TinyAttentionBlock(16)).to(dtype)


def _randomise_b(model: nn.Module, std: float = 0.1) -> None:
    with torch.no_grad():
        for m in q07.lora_modules(model):
            m.lora_B.normal_(0.0, std)


# --- Q7: LoRALinear -------------------------------------------------------------------------------------


def test_output_equals_base_at_init():
    model = _toy_model()
    x = torch.randn(3, 5, 16)
    expected = model(x)
    q07.add_adaptor_layer(model, r=4, alpha=8, target_modules=("query", "key", "value", "dense"))
    assert torch.equal(model(x), expected)  # B = 0: the adapter is an exact no-op
    for m in q07.lora_modules(model):
        assert torch.count_nonzero(m.lora_B) == 0
        assert torch.count_nonzero(m.lora_A) > 0


def test_a_is_kaiming_uniform_and_b_zero():
    torch.manual_seed(0)
    layer = q07.LoRALinear(nn.Linear(64, 32), r=8)
    bound = 1 / math.sqrt(64)  # kaiming_uniform(a=sqrt(5)) on fan_in=64 -> U(-1/8, 1/8)
    assert layer.lora_A.shape == (8, 64) and layer.lora_B.shape == (32, 8)
    assert layer.lora_A.abs().max() <= bound
    assert (
        layer.lora_A.abs().max() > 0.9 * bound
    )  # uniform over the whole range, not a narrow Gaussian


def test_only_lora_params_require_grad_and_count():
    model = _toy_model()
    names = q07.add_adaptor_layer(model, r=4, target_modules=("query", "value"))
    assert names == ["0.query", "0.value", "1.query", "1.value"]
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert trainable == {f"{n}.{ab}" for n in names for ab in ("lora_A", "lora_B")}
    assert q07.count_trainable(model) == len(names) * 4 * (16 + 16)  # sum of r (in + out)
    assert not model[0].key.weight.requires_grad  # untargeted layers are frozen too


def test_modules_to_save_stays_trainable():
    model = nn.Sequential()
    model.add_module("query", nn.Linear(8, 8))
    model.add_module("classifier", nn.Linear(8, 2))
    q07.add_adaptor_layer(model, r=2, target_modules=("query",), modules_to_save=("classifier",))
    assert model.classifier.weight.requires_grad and model.classifier.bias.requires_grad
    assert not model.query.base.weight.requires_grad


def test_target_not_found_raises():
    with pytest.raises(ValueError):
        q07.add_adaptor_layer(_toy_model(), target_modules=("q_proj",))


def test_scaling_alpha_over_r_and_rslora():
    base = nn.Linear(8, 8)
    assert q07.LoRALinear(base, r=4, alpha=8).scaling == 2.0
    assert q07.LoRALinear(nn.Linear(8, 8), r=64, alpha=8).scaling == 0.125
    assert q07.LoRALinear(nn.Linear(8, 8), r=16, alpha=8, use_rslora=True).scaling == 2.0


def test_grad_at_init_a_zero_b_nonzero():
    torch.manual_seed(0)
    layer = q07.LoRALinear(nn.Linear(16, 8), r=4, alpha=4)
    layer(torch.randn(10, 16)).pow(2).sum().backward()
    assert torch.count_nonzero(layer.lora_A.grad) == 0  # dL/dA = s B^T delta x^T = 0 while B = 0
    assert layer.lora_B.grad.abs().max() > 0  # dL/dB = s delta (A x)^T != 0
    assert layer.base.weight.grad is None  # frozen


def test_merge_equals_unmerged_float64_and_unmerge_restores():
    model = _toy_model(torch.float64)
    q07.add_adaptor_layer(model, r=4, alpha=8, target_modules=("query", "key", "value", "dense"))
    _randomise_b(model)  # non-zero B, otherwise the check would be vacuous
    model.eval()
    x = torch.randn(3, 5, 16, dtype=torch.float64)
    w0 = model[0].query.base.weight.clone()
    unmerged = model(x)
    q07.merge_lora(model)
    assert all(m.merged for m in q07.lora_modules(model))
    assert not torch.equal(model[0].query.base.weight, w0)
    merged = model(x)
    assert (merged - unmerged).abs().max() < 1e-6
    q07.merge_lora(model)  # idempotent: a second merge must not add delta W twice
    assert (model(x) - unmerged).abs().max() < 1e-6
    q07.unmerge_lora(model)
    assert torch.allclose(model[0].query.base.weight, w0, atol=1e-12)
    assert (model(x) - unmerged).abs().max() < 1e-6


def test_dropout_only_on_lora_branch():
    torch.manual_seed(0)
    layer = q07.LoRALinear(nn.Linear(32, 32), r=4, alpha=4, dropout=0.5)
    seen = {}
    layer.base.register_forward_hook(lambda mod, inp, out: seen.__setitem__("base_in", inp[0]))
    layer.lora_dropout.register_forward_hook(lambda mod, inp, out: seen.__setitem__("lora_in", out))
    layer.train()
    x = torch.randn(64, 32) + 5.0  # no exact zeros in x
    layer(x)
    assert torch.equal(seen["base_in"], x)  # the base path sees the undropped input
    zero_frac = (seen["lora_in"] == 0).float().mean().item()
    assert 0.4 < zero_frac < 0.6  # about half of the LoRA inputs are dropped
    kept = seen["lora_in"] != 0
    assert torch.allclose(
        seen["lora_in"][kept], 2 * x[kept]
    )  # inverted dropout: survivors x 1/(1-p)
    # With B = 0 the output is the base output even in train mode, which fails if x itself were dropped.
    assert torch.equal(layer(x), layer.base(x))


def test_dropout_off_in_eval_and_train_mode_breaks_merge_equivalence():
    torch.manual_seed(0)
    layer = q07.LoRALinear(nn.Linear(16, 16).double(), r=4, alpha=4, dropout=0.5)
    with torch.no_grad():
        layer.lora_B.normal_(0, 0.5)
    x = torch.randn(8, 16, dtype=torch.float64)
    layer.eval()
    assert torch.equal(layer(x), layer(x))
    reference = layer(x)
    layer.train()
    assert not torch.allclose(layer(x), reference)  # dropout is live on the branch in train mode


def test_low_rank_approximation_is_truncated_svd():
    torch.manual_seed(0)
    M = torch.randn(12, 9, dtype=torch.float64)
    L, R = q07.low_rank_approximation(M, 3)
    assert L.shape == (12, 3) and R.shape == (3, 9)
    s = torch.linalg.svdvals(M)
    assert math.isclose(
        torch.linalg.norm(M - L @ R).item(), s[3:].pow(2).sum().sqrt().item(), rel_tol=1e-10
    )


# --- Q8: training / evaluation --------------------------------------------------------------------------


def test_optimizer_holds_only_trainable_params():
    task = q08.make_task(n_train=64, n_eval=64)
    model = copy.deepcopy(task.base)
    q07.add_adaptor_layer(model, r=2, target_modules=("dense",))
    opt = q08.build_optimizer(model)
    in_opt = {id(p) for group in opt.param_groups for p in group["params"]}
    lora_ids = {id(p) for m in q07.lora_modules(model) for p in (m.lora_A, m.lora_B)}
    assert in_opt == lora_ids
    with pytest.raises(ValueError):
        q08.build_optimizer(copy.deepcopy(task.base))  # everything frozen -> nothing to train


def test_evaluate_uses_eval_mode_and_no_grad():
    task = q08.make_task(n_train=64, n_eval=128)
    model = copy.deepcopy(task.base)
    q07.add_adaptor_layer(model, r=2, dropout=0.3, target_modules=("dense",))
    seen = []
    model.register_forward_hook(
        lambda mod, inp, out: seen.append((mod.training, torch.is_grad_enabled()))
    )
    model.train()
    result = q08.evaluate_model(model, DataLoader(task.val, batch_size=32), nn.CrossEntropyLoss())
    assert seen and all(state == (False, False) for state in seen)
    assert model.training  # the caller's mode is restored
    assert set(result) == {"loss", "accuracy"} and 0.0 <= result["accuracy"] <= 1.0
    assert all(p.grad is None for p in model.parameters())


def test_training_lowers_loss_and_leaves_base_frozen():
    task = q08.make_task()
    out = q08.run_experiment(task, r=4, epochs=4)
    assert out["after"]["loss"] < 0.6 * out["before"]["loss"]
    assert out["after"]["accuracy"] > out["before"]["accuracy"] + 0.1
    assert out["history"][-1] < out["history"][0]
    model = out["model"]
    base_params = dict(task.base.named_parameters())
    frozen = {n.replace(".base.", "."): p for n, p in model.named_parameters() if "lora_" not in n}
    assert frozen.keys() == base_params.keys()
    for name, p in frozen.items():
        assert torch.equal(p, base_params[name]), name  # pretrained weights unchanged by training
    for m in q07.lora_modules(model):
        assert m.lora_B.abs().max() > 0  # B moved away from zero


# --- Q9: rank truncation and rank sweep -----------------------------------------------------------------


def _layer_with_delta(rank: int, r: int = 6) -> q07.LoRALinear:
    torch.manual_seed(1)
    layer = q07.LoRALinear(nn.Linear(20, 12).double(), r=r, alpha=3.0)
    with torch.no_grad():
        layer.lora_B.zero_()
        layer.lora_B[:, :rank] = torch.randn(12, rank, dtype=torch.float64)
    return layer


def test_truncating_rank_k_delta_to_k_reproduces_it():
    layer = _layer_with_delta(rank=3)
    delta = layer.delta_weight().clone()
    assert torch.linalg.matrix_rank(delta).item() == 3
    report = q09.truncate_lora_rank(layer, 3)
    assert layer.r == 3 and layer.lora_A.shape == (3, 20) and layer.lora_B.shape == (12, 3)
    assert torch.allclose(layer.delta_weight(), delta, atol=1e-10)
    assert report["error_fro"] < 1e-10 and report["energy_kept"] > 1 - 1e-12
    assert math.isclose(layer.alpha / layer.r, 0.5)  # numeric scaling kept: alpha/r = 3/6


def test_truncating_to_lower_rank_gives_eckart_young_error():
    layer = _layer_with_delta(rank=5)
    delta = layer.delta_weight().clone()
    s = torch.linalg.svdvals(delta)
    q09.truncate_lora_rank(layer, 2)
    err = torch.linalg.norm(delta - layer.delta_weight()).item()
    assert math.isclose(err, s[2:].pow(2).sum().sqrt().item(), rel_tol=1e-9)
    assert math.isclose(err, q09.eckart_young_error(delta, 2), rel_tol=1e-9)
    assert torch.linalg.matrix_rank(layer.delta_weight()).item() == 2
    # Naive slicing (keep the first 2 columns of B / rows of A) is worse than the SVD truncation.
    fresh = _layer_with_delta(rank=5)
    naive = fresh.scaling * fresh.lora_B[:, :2] @ fresh.lora_A[:2]
    assert torch.linalg.norm(delta - naive).item() > err


def test_truncation_makes_old_optimizer_stale():
    layer = _layer_with_delta(rank=3)
    opt = torch.optim.AdamW([layer.lora_A, layer.lora_B])
    q09.truncate_lora_rank(layer, 2)
    in_opt = {id(p) for group in opt.param_groups for p in group["params"]}
    assert id(layer.lora_A) not in in_opt and id(layer.lora_B) not in in_opt


def test_select_rank_smallest_within_tolerance():
    scores = {1: 0.79, 2: 0.875, 4: 0.877, 8: 0.870}
    assert q09.select_rank(scores, tolerance=0.01) == 2
    assert q09.select_rank(scores, tolerance=0.0) == 4
    assert q09.select_rank(scores, tolerance=0.1) == 1
    assert q09.select_rank({1: 0.5, 2: 0.3}, tolerance=0.05, higher_is_better=False) == 2


def test_rank_sweep_recovers_true_rank():
    task = q08.make_task(true_rank=2)
    sweep = q09.rank_sweep(task, ranks=(1, 2, 4), tolerance=0.02, epochs=6)
    acc = {r: v["val_accuracy"] for r, v in sweep["results"].items()}
    assert acc[2] > acc[1] + 0.03  # rank 1 cannot express the rank-2 change
    assert sweep["chosen"] == 2
    assert [sweep["results"][r]["trainable"] for r in (1, 2, 4)] == [256, 512, 1024]
