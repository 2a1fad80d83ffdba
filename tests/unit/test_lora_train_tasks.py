"""Training (loss goes down, callbacks, stop), shared-base safety, tasks and user files, memory."""

from __future__ import annotations

import pytest
import torch

import tests.support.lora  # noqa: F401  (offline env)
from lora_demo import (
    LoraSettings,
    ModelLoadError,
    RunSpec,
    TaskFileError,
    cached_base,
    estimate,
    load_base,
    load_user_task,
    make_task,
    peft_model,
    run_comparison,
    train,
)
from lora_demo.tasks import hydropathy_window_labels, net_charge


def test_lora_training_loss_goes_down_and_streams() -> None:
    task = make_task("net-charge", n=96)
    seen = []
    res = train(
        task,
        RunSpec("lora", "lora", LoraSettings(r=8, alpha=16)),
        steps=12,
        batch_size=8,
        eval_every=4,
        on_step=seen.append,
    )
    assert [r.step for r in seen] == list(range(1, 13)) and res.steps == seen
    first, last = seen[0], seen[-1]
    assert sum(r.train_loss for r in seen[-4:]) / 4 < first.train_loss
    assert last.val_loss is not None and 0.0 <= last.val_metric <= 1.0
    assert seen[0].val_loss is None and seen[3].val_loss is not None
    assert all(r.seconds_per_step > 0 and r.peak_mem_bytes > 0 for r in seen)
    assert res.trainable == 164_802


def test_comparison_modes_and_stop() -> None:
    task = make_task("hydropathy-window", n=48)
    calls = {"n": 0}

    def should_stop() -> bool:
        calls["n"] += 1
        return calls["n"] > 5

    res = run_comparison(task, steps=4, batch_size=4, should_stop=should_stop)
    assert [r.method for r in res] == ["lora", "full"]  # stopped during the second run
    assert res[0].trainable == 62_082 and res[1].trainable == 7_409_723
    assert res[1].stopped and len(res[1].steps) == 1


def test_head_only_trains_only_the_head() -> None:
    res = train(make_task("net-charge", n=32), RunSpec("h", "head"), steps=2, batch_size=4)
    assert res.trainable == 103_362


def test_cached_base_is_never_mutated() -> None:
    base = cached_base("esm2_t6_8M", "seq", 2)
    before = {k: v.clone() for k, v in base.model.state_dict().items()}
    model, provenance = peft_model(LoraSettings(init="random"))
    assert provenance == "architecture-exact, random weights (seed 0)"
    model.merge_and_unload()  # writes into the copy's weights
    train(make_task("net-charge", n=32), RunSpec("f", "full"), steps=2, batch_size=4)
    after = base.model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert cached_base("esm2_t6_8M", "seq", 2) is base


def test_load_base_random_local_and_errors(tmp_path) -> None:
    loaded = load_base("esm2_t6_8M", "token", 3, seed=7)
    assert not loaded.pretrained and "seed 7" in loaded.provenance
    loaded.model.save_pretrained(tmp_path / "ckpt")
    again = load_base("esm2_t6_8M", "token", 3, source=str(tmp_path / "ckpt"))
    assert again.pretrained and again.provenance.startswith("pretrained checkpoint from")
    sd0, sd1 = loaded.model.state_dict(), again.model.state_dict()
    assert all(torch.equal(sd0[k], sd1[k]) for k in sd0)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelLoadError, match=r"config\.json"):
        load_base("esm2_t6_8M", source=str(tmp_path / "empty"))
    with pytest.raises(ModelLoadError, match=r"Offline|download"):
        load_base("esm2_t6_8M", source="facebook/esm2_t6_8M_UR50D")  # HF_HUB_OFFLINE=1: no network
    assert load_base("esm2_t6_8M", source="auto").provenance.startswith(
        ("architecture-exact", "pretrained")
    )


def test_tasks_are_deterministic_and_labelled_from_biochemistry() -> None:
    a, b = make_task("net-charge", seed=3), make_task("net-charge", seed=3)
    assert a == b and a != make_task("net-charge", seed=4)
    for seq, lab in a.train:
        assert lab == int(net_charge(seq) > 0)
    assert {lab for _, lab in a.train} == {0, 1}
    t = make_task("hydropathy-window")
    assert t.kind == "token" and all(len(s) == len(lab) for s, lab in t.train)
    # window 5 (I = 4.5, D = -3.5): residue 4 sees IIIDD (mean > 0), residue 5 sees IIDDD (< 0)
    assert hydropathy_window_labels("IIIIIDDDDD") == [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    assert (
        hydropathy_window_labels("IIIIIIIII") == [1] * 9
        and hydropathy_window_labels("DDDD") == [0] * 4
    )
    with pytest.raises(KeyError):
        make_task("nope")


CSV = b"sequence,label\nMKTAYIAK,1\nDDEEGGAA,0\nKKRRLLVV,1\nEEDDSSTT,0\nMKKLLA,1\n"
FASTA = b">a label=1\nMKTAY\nIAK\n>b label=0\nDDEEG\n>c label=1\nKKRRL\n>d label=0\nEEDDS\n"


def test_user_csv_and_fasta() -> None:
    t = load_user_task(CSV, "mine.csv")
    assert t.kind == "seq" and t.num_labels == 2 and len(t.train) + len(t.val) == 5
    f = load_user_task(FASTA, "mine.fasta")
    assert dict(f.train + f.val)["MKTAYIAK"] == 1
    tok = load_user_task(b"sequence,label\nMKT,010\nAAA,111\nDDD,000\nKKL,001\n", "res.csv")
    assert tok.kind == "token" and tok.head == "token"


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "x.csv", "binary"),
        (b"\xff\xfe\xfa sequence", "x.csv", "UTF-8"),
        (b"a" * 1_000_001, "x.csv", "1 MB"),
        (b"seq,lab\nMK,1\n", "x.csv", "columns"),
        (b"sequence,label\nMKJ,1\nAA,0\nKK,1\nDD,0\n", "x.csv", "invalid residue"),
        (b"sequence,label\n" + b"A" * 1023 + b",1\nAA,0\nKK,1\nDD,0\n", "x.csv", "1022"),
        (b"sequence,label\nMK,1\nAA,1\nKK,1\nDD,1\n", "x.csv", "two classes"),
        (b"sequence,label\nMK,1\nAA,0\n", "x.csv", "at least 4"),
        (b"sequence,label\nMK,yes\nAA,0\nKK,1\nDD,0\n", "x.csv", "integer"),
        (b">a\nMK\n>b label=0\nAA\n", "x.fasta", "label="),
        (b"MK\n>b label=0\nAA\n", "x.fa", "before the first"),
        (b"hello", "x.pdf", ".csv"),
        (b"sequence,label\n" + b"AK,1\n" * 2001, "x.csv", "2000"),
    ],
)
def test_user_file_errors_are_readable(data: bytes, name: str, reason: str) -> None:
    with pytest.raises(TaskFileError) as info:
        load_user_task(data, name)
    assert reason in str(info.value)


def test_user_task_trains_even_when_smaller_than_a_batch() -> None:
    res = train(load_user_task(CSV, "mine.csv"), RunSpec("l", "lora"), steps=2, batch_size=2)
    assert len(res.steps) == 2
    res = train(load_user_task(FASTA, "mine.fa"), RunSpec("l", "head"), steps=2, batch_size=64)
    assert len(res.steps) == 2


def test_memory_estimates_match_anchor_rules() -> None:
    gib = 2**30
    full = estimate("esm2_t6_8M", "full", "float32", 8, 512)
    assert full.weights == full.gradients == 4 * 7_512_443 and full.optimizer == 8 * 7_512_443
    assert full.activations / 2**20 == pytest.approx(
        2 * 6 * 243, rel=0.01
    )  # anchors §6.3 (×2 fp32)
    lora = estimate("esm2_t33_650M", "lora", "float32", 8, 512)
    static = (lora.weights + lora.gradients + lora.optimizer) / gib
    assert static == pytest.approx(2.540, abs=0.005)  # anchors §6.2
    q = estimate("esm2_t33_650M", "qlora", "bfloat16", 8, 512)
    assert (q.weights + q.gradients + q.optimizer) / gib == pytest.approx(0.431, abs=0.005)
    assert q.activations < lora.activations  # bf16 activations
    assert lora.activations == estimate("esm2_t33_650M", "full", "float32", 8, 512).activations
    sdpa = estimate("esm2_t6_8M", "full", "float32", 8, 512, attention="sdpa")
    assert sdpa.activations < full.activations
    with pytest.raises(ValueError):
        estimate(scheme="adapter")


def test_gpu_measurement_guarded() -> None:
    from lora_demo import measure_gpu

    if torch.cuda.is_available():
        assert measure_gpu(LoraSettings(), "lora", 2, 32) > 0
    else:
        with pytest.raises(RuntimeError, match="no CUDA GPU"):
            measure_gpu(LoraSettings())
