"""Behavioural tests of the s003 reference solutions (questions/solutions/s003_*.py), CPU only, no downloads."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from tests.support.solutions import load_solution as _load

cw = _load("s003_class_weights")
metrics = _load("s003_metrics")
calib = _load("s003_threshold_calibration")
prep = _load("s003_pair_preprocess")
head = _load("s003_verbalizer_head")
wt = _load("s003_weighted_trainer")


# ---------------------------------------------------------------- class weights


def test_class_weights_equal_n_over_c_times_nc():
    labels = [0] * 69 + [1] * 31
    w = cw.balanced_class_weights(labels)
    assert w == pytest.approx([100 / (2 * 69), 100 / (2 * 31)])
    assert w[1] > w[0]  # the rarer class gets the larger weight
    assert w[1] / w[0] == pytest.approx(69 / 31)  # ratio 2.23, not the document's 3.0


def test_class_weights_reject_empty_class_and_tensor_dtype():
    with pytest.raises(ValueError):
        cw.balanced_class_weights([0, 0, 0], num_classes=2)
    t = cw.class_weight_tensor([0, 1, 1, 1])
    assert t.dtype == torch.float32
    assert t.tolist() == pytest.approx([2.0, 2 / 3])


# ---------------------------------------------------------------- metrics


def test_macro_f1_matches_hand_computation():
    y_true = np.array([1, 1, 1, 0, 0, 0, 0, 0])
    y_pred = np.array([1, 0, 0, 0, 0, 0, 0, 1])
    # class 1: tp=1 fp=1 fn=2 -> 2/5 ; class 0: tp=4 fp=2 fn=1 -> 8/11
    assert metrics.macro_f1(y_true, y_pred) == pytest.approx((2 / 5 + 8 / 11) / 2)


def test_majority_class_predictor_has_low_macro_f1():
    y_true = np.array([0] * 69 + [1] * 31)
    y_pred = np.zeros(100, dtype=int)
    assert metrics.macro_f1(y_true, y_pred) == pytest.approx((2 * 69 / (2 * 69 + 31)) / 2)
    assert (
        metrics.compute_metrics((np.stack([np.ones(100), np.zeros(100)], 1), y_true))["accuracy"]
        == 0.69
    )


def test_compute_metrics_rejects_vocab_logits():
    lm_logits = np.zeros((4, 7, 50))
    with pytest.raises(ValueError):
        metrics.compute_metrics((lm_logits, np.array([0, 1, 0, 1])))


# ---------------------------------------------------------------- threshold calibration


def _synthetic_margins(n: int, seed: int):
    rng = np.random.default_rng(seed)
    labels = (rng.random(n) < 0.31).astype(int)
    # class-1 margins are shifted up but the model is biased: the best threshold is well above 0
    margins = rng.normal(0, 1, n) + 1.5 * labels + 1.0
    return margins, labels


def test_best_delta_maximises_f1_on_calibration_data():
    margins, labels = _synthetic_margins(400, 0)
    delta, f1 = calib.best_delta(margins, labels)
    grid = np.linspace(margins.min() - 1, margins.max() + 1, 2001)
    brute = max(metrics.macro_f1(labels, (margins > d).astype(int)) for d in grid)
    assert f1 == pytest.approx(brute, abs=1e-9) or f1 >= brute
    assert metrics.macro_f1(labels, (margins > delta).astype(int)) == pytest.approx(f1)
    assert delta > 0.3  # the bias is found


def test_calibration_is_evaluated_on_disjoint_data():
    margins, labels = _synthetic_margins(2000, 1)
    ci, ei = calib.stratified_split(labels, 0.5, seed=3)
    assert set(ci).isdisjoint(ei) and len(ci) + len(ei) == len(labels)
    assert labels[ci].mean() == pytest.approx(labels[ei].mean(), abs=0.01)
    out = calib.calibrate_and_evaluate(margins, labels, 0.5, seed=3)
    delta, calib_f1 = calib.best_delta(margins[ci], labels[ci])
    assert out["delta"] == pytest.approx(delta)
    assert out["calib_f1"] == pytest.approx(calib_f1)
    assert out["heldout_f1_calibrated"] == pytest.approx(
        metrics.macro_f1(labels[ei], (margins[ei] > delta).astype(int))
    )
    assert out["heldout_f1_calibrated"] > out["heldout_f1_argmax"]


def test_in_sample_tuning_is_optimistic_on_pure_noise():
    rng = np.random.default_rng(5)
    labels = (rng.random(300) < 0.31).astype(int)
    margins = rng.normal(size=300)  # no signal at all
    _, in_sample = calib.best_delta(margins, labels)
    gaps = []
    for seed in range(10):
        out = calib.calibrate_and_evaluate(margins, labels, 0.5, seed=seed)
        gaps.append(out["calib_f1"] - out["heldout_f1_calibrated"])
    assert in_sample > 0.5  # tuning a threshold on noise "finds" skill
    assert np.mean(gaps) > 0.02  # which disappears on held-out data


# ---------------------------------------------------------------- pair preprocessing


def _char_tokenize(text: str) -> list[int]:
    return [ord(ch) for ch in text]


def test_pair_truncation_keeps_both_sentences_and_template():
    long1, long2 = "甲" * 300, "乙乙乙乙乙"
    feats = prep.encode_pair(_char_tokenize, long1, long2, 1, max_length=64)
    ids = feats["input_ids"]
    assert len(ids) == 64
    text = "".join(map(chr, ids))
    assert "乙乙乙乙乙" in text  # the short second sentence survives intact
    assert text.startswith(prep.PREFIX) and text.endswith(prep.SUFFIX)
    assert feats["labels"] == 1 and feats["attention_mask"] == [1] * 64


def test_longest_first_truncation_balances_two_long_sentences():
    a, b = prep.truncate_longest_first(list(range(100)), list(range(100, 160)), 40)
    assert len(a) + len(b) == 40 and len(a) == 20 and len(b) == 20
    assert a == list(range(20)) and b == list(range(100, 120))  # drops from the end


def test_naive_single_string_truncation_loses_text2():
    # what the document's tokenizer(f"{text1}[SEP]{text2}", truncation=True) does with a long text1
    naive = _char_tokenize(f"{'甲' * 300}[SEP]乙乙乙乙乙")[:64]
    assert "乙" not in "".join(map(chr, naive))


def test_verbalizer_must_be_single_distinct_tokens():
    def tok(s: str) -> list[int]:
        return {"是": [10], "否": [11], "相似": [20], "不相似": [21, 20]}[s]

    assert prep.verbalizer_token_ids(tok) == [11, 10]
    with pytest.raises(ValueError):
        prep.verbalizer_token_ids(tok, {0: "不相似", 1: "相似"})


def test_left_padding_keeps_last_real_token_at_end():
    f1 = prep.encode_pair(_char_tokenize, "短", "句", 0, max_length=64)
    f2 = prep.encode_pair(_char_tokenize, "长长长长", "句句句", 1, max_length=64)
    batch = prep.pad_batch([f1, f2], pad_id=0, side="left")
    assert all(row[-1] == ord(prep.SUFFIX[-1]) for row in batch["input_ids"])
    assert batch["labels"] == [0, 1]


# ---------------------------------------------------------------- verbalizer head


def test_verbalizer_logits_use_last_real_token_for_right_and_left_padding():
    vocab = 9
    logits = torch.randn(2, 5, vocab)
    right = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]])
    out = head.verbalizer_logits(logits, right, [3, 7])
    assert torch.equal(out[0], logits[0, 2, [3, 7]])  # not position -1 (a pad)
    assert torch.equal(out[1], logits[1, 4, [3, 7]])
    left = torch.tensor([[0, 0, 1, 1, 1], [0, 1, 1, 1, 1]])
    out = head.verbalizer_logits(logits, left, [7, 3])
    assert torch.equal(out, logits[:, 4][:, [7, 3]])


# ---------------------------------------------------------------- weighted Trainer


class TinyCausalLM(nn.Module):
    """A stand-in causal LM: returns [batch, seq, vocab] logits; forward accepts **kwargs like HF causal LMs."""

    def __init__(self, vocab: int = 16, hidden: int = 8) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, hidden)
        self.lm_head = nn.Linear(hidden, vocab)

    def forward(self, input_ids, attention_mask=None, labels=None, **kwargs):
        return {"logits": self.lm_head(torch.tanh(self.embed(input_ids)))}


def _trainer(tmp_path, cls=None, ga: int = 1, **kw):
    from transformers import TrainingArguments

    torch.manual_seed(0)
    args = TrainingArguments(
        output_dir=str(tmp_path),
        per_device_train_batch_size=2,
        gradient_accumulation_steps=ga,
        max_steps=1,
        report_to=[],
        use_cpu=True,
        save_strategy="no",
        logging_strategy="no",
    )
    data = [
        {"input_ids": [1, 2, 3, 4], "attention_mask": [1, 1, 1, 1], "labels": i % 2}
        for i in range(8)
    ]
    cls = cls or wt.WeightedLossTrainer
    return cls(
        model=TinyCausalLM(),
        args=args,
        train_dataset=data,
        eval_dataset=data,
        class_weights=[0.72, 1.61],
        label_token_ids=[5, 6],
        **kw,
    )


def test_compute_loss_signature_matches_transformers_trainer():
    from transformers import Trainer

    base = list(inspect.signature(Trainer.compute_loss).parameters)
    ours = list(inspect.signature(wt.WeightedLossTrainer.compute_loss).parameters)
    assert ours == base == ["self", "model", "inputs", "return_outputs", "num_items_in_batch"]


def test_weighted_loss_equals_f_cross_entropy_with_weights(tmp_path):
    trainer = _trainer(tmp_path)
    inputs = {
        "input_ids": torch.tensor([[1, 2, 3, 0], [4, 5, 6, 7], [2, 2, 9, 0]]),
        "attention_mask": torch.tensor([[1, 1, 1, 0], [1, 1, 1, 1], [1, 1, 1, 0]]),
        "labels": torch.tensor([1, 0, 1]),
    }
    loss, out = trainer.compute_loss(
        trainer.model, inputs, return_outputs=True, num_items_in_batch=7
    )
    lm = trainer.model(inputs["input_ids"])["logits"]
    two = torch.stack([lm[0, 2, [5, 6]], lm[1, 3, [5, 6]], lm[2, 2, [5, 6]]])
    expected = F.cross_entropy(two, inputs["labels"], weight=torch.tensor([0.72, 1.61]))
    assert torch.allclose(loss, expected)
    assert not torch.allclose(loss, F.cross_entropy(two, inputs["labels"]))
    assert out["logits"].shape == (3, 2)
    assert "labels" in inputs  # the caller's dict is not mutated


def test_half_precision_logits_do_not_crash(tmp_path):
    trainer = _trainer(tmp_path)
    logits = torch.randn(4, 2).half()
    loss = wt.weighted_cross_entropy(logits, torch.tensor([0, 1, 1, 0]), trainer.class_weights)
    assert loss.dtype == torch.float32 and torch.isfinite(loss)


def test_old_signature_fails_and_fixed_one_trains_and_evaluates(tmp_path):
    class OldSignature(wt.WeightedLossTrainer):
        def compute_loss(self, model, inputs, return_outputs=False):  # the document's signature
            return super().compute_loss(model, inputs, return_outputs)

    with pytest.raises(TypeError, match="num_items_in_batch"):
        _trainer(tmp_path / "old", cls=OldSignature).train()

    trainer = _trainer(tmp_path / "new", compute_metrics=metrics.compute_metrics)
    trainer.train()
    result = trainer.evaluate()
    assert "eval_f1" in result and "eval_accuracy" in result


def test_loss_is_divided_by_gradient_accumulation_steps(tmp_path):
    trainer = _trainer(tmp_path, ga=4)
    assert trainer.model_accepts_loss_kwargs  # like every HF causal LM: forward has **kwargs
    trainer.current_gradient_accumulation_steps = 4
    inputs = {
        "input_ids": torch.tensor([[1, 2, 3, 4], [4, 3, 2, 1]]),
        "attention_mask": torch.ones(2, 4, dtype=torch.long),
        "labels": torch.tensor([0, 1]),
    }
    full = trainer.compute_loss(trainer.model, dict(inputs)).detach()
    step = trainer.training_step(trainer.model, dict(inputs), num_items_in_batch=torch.tensor(2))
    assert torch.allclose(step, full / 4)

    class Unscaled(wt.WeightedLossTrainer):
        loss_is_scaled_for_ga = (
            None  # Trainer default: would treat our mean loss as already GA-normalised
        )

    other = _trainer(tmp_path / "u", cls=Unscaled, ga=4)
    other.current_gradient_accumulation_steps = 4
    step_u = other.training_step(other.model, dict(inputs), num_items_in_batch=torch.tensor(2))
    assert torch.allclose(step_u, full)  # 4x too large: this is why the solution sets it to False
