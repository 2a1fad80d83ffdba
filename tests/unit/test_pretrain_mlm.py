"""MLM masking, evaluation and time-budgeted, resumable pretraining (tiny CPU runs)."""

from __future__ import annotations

import json
import random

import pytest
import torch
from safetensors.torch import load_file

from lora_demo.cli import main
from lora_demo.esm import build_model
from lora_demo.loading import load_base
from lora_demo.mlm import (
    CLS_ID,
    EOS_ID,
    MASK_ID,
    PAD_ID,
    STANDARD_AA_IDS,
    collate,
    evaluate_mlm,
    mask_tokens,
    read_fasta,
)
from lora_demo.pretrain import PretrainConfig, PretrainError, pretrain

AA = "ACDEFGHIKLMNPQRSTVWY"


def _seqs(n: int, seed: int, lo: int = 20, hi: int = 40) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(AA) for _ in range(rng.randint(lo, hi))) for _ in range(n)]


def test_masking_follows_esm_rates_and_never_touches_special_tokens():
    ids, _ = collate(_seqs(400, 0, 50, 120))
    masked, labels = mask_tokens(ids, torch.Generator().manual_seed(1))
    special = (ids == CLS_ID) | (ids == EOS_ID) | (ids == PAD_ID)
    chosen = labels != -100
    assert not (chosen & special).any()
    assert torch.equal(masked[special], ids[special])
    assert torch.equal(labels[chosen], ids[chosen])  # labels are the original residues
    rate = chosen.sum().item() / (~special).sum().item()
    assert 0.14 < rate < 0.16
    n = chosen.sum().item()
    to_mask = (masked[chosen] == MASK_ID).sum().item() / n
    unchanged = (masked[chosen] == ids[chosen]).sum().item() / n
    assert 0.77 < to_mask < 0.83
    assert (
        0.08 < 1 - to_mask - unchanged + 0.005 < 0.13
    )  # random replacements (some equal the original)
    assert torch.isin(masked[chosen & (masked != MASK_ID)], STANDARD_AA_IDS).all()
    again, labels2 = mask_tokens(ids, torch.Generator().manual_seed(1))
    assert torch.equal(again, masked) and torch.equal(labels2, labels)


def test_evaluation_is_repeatable_and_scores_the_same_positions():
    model = build_model("esm2_t6_8M", "mlm", seed=0)
    seqs = _seqs(12, 3)
    a = evaluate_mlm(model, seqs, batch_tokens=256)
    b = evaluate_mlm(model, seqs, batch_tokens=256)
    assert a.perplexity == pytest.approx(b.perplexity) and a.masked_tokens == b.masked_tokens > 0
    assert 0.0 <= a.masked_accuracy <= 1.0
    assert 10 < a.perplexity < 100  # a random model is about as unsure as 33 tokens


def test_pretraining_learns_saves_a_loadable_fp16_checkpoint_and_resumes(tmp_path):
    # a skewed corpus (mostly L, A, G) so a few steps visibly lower the perplexity
    rng = random.Random(0)
    corpus = [
        "".join(rng.choice("LLLLAAAGGV") for _ in range(rng.randint(20, 30))) for _ in range(300)
    ]
    # a step limit, not the clock, ends these runs: the shared test machine's speed varies
    cfg = PretrainConfig(
        seconds=600,
        max_steps=12,
        batch_tokens=512,
        max_residues=30,
        lr=3e-3,
        eval_every_seconds=1e6,
    )
    reports = []
    res = pretrain(
        corpus[:260], corpus[260:], tmp_path, cfg, on_progress=reports.append, log_every=1
    )
    assert res.steps == 12 and res.tokens_seen > 0
    assert res.final.perplexity < res.random_init.perplexity * 0.8
    assert reports[-1].done and reports[-1].step == res.steps
    weights = tmp_path / "model.safetensors"
    assert weights.stat().st_size <= 16 * 2**20
    assert {t.dtype for t in load_file(weights).values()} == {torch.float16}
    for name in ("config.json", "vocab.txt", "tokenizer_config.json", "pretrain_metrics.json"):
        assert (tmp_path / name).is_file()
    card = (tmp_path / "MODEL_CARD.md").read_text()
    assert f"pretrained by this project on {res.tokens_seen:,} tokens" in card
    assert "not** the official ESM-2" in card
    loaded = load_base("esm2_t6_8M", "seq", 3, source=str(tmp_path))  # the Lab's folder path
    assert loaded.pretrained
    saved = load_file(weights)["esm.encoder.layer.0.attention.self.query.weight"]
    assert torch.equal(loaded.model.esm.encoder.layer[0].attention.self.query.weight.half(), saved)

    res2 = pretrain(
        corpus[:260],
        corpus[260:],
        tmp_path,
        PretrainConfig(**{**cfg.__dict__, "max_steps": 3}),
        resume=True,
    )
    assert res2.steps == 15 and res2.tokens_seen > res.tokens_seen
    assert res2.random_init.perplexity == pytest.approx(res.random_init.perplexity)
    metrics = json.loads((tmp_path / "pretrain_metrics.json").read_text())
    assert len(metrics["sessions"]) == 2 and metrics["steps"] == res2.steps


def test_resume_without_a_saved_run_says_what_to_do(tmp_path):
    with pytest.raises(PretrainError, match="Run without --resume"):
        pretrain(["ACDEFGHIKL"], ["ACDEFGHIKL"], tmp_path, PretrainConfig(seconds=1), resume=True)


def test_cli_pretrain_and_mlm_commands(tmp_path, capsys):
    fa = tmp_path / "seqs.fa"
    fa.write_text("".join(f">s{i}\n{s}\n" for i, s in enumerate(_seqs(60, 5))))
    out = tmp_path / "ckpt"
    assert main(["pretrain", "--sequences", str(fa), "--out", str(out), "--seconds", "600",
                 "--max-steps", "2", "--batch-tokens", "256", "--max-residues", "30", "--json"]) == 0  # fmt: skip
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert lines[-1]["done"] and lines[-1]["val"]["perplexity"] > 1
    assert (
        main(["mlm", "--sequences", str(fa), "--source", str(out), "--limit", "10", "--json"]) == 0
    )
    ev = json.loads(capsys.readouterr().out)
    assert ev["masked_tokens"] > 0 and "pretrained checkpoint" in ev["provenance"]
    assert (
        main(
            [
                "pretrain",
                "--sequences",
                str(tmp_path / "nope.fa"),
                "--out",
                str(out),
                "--seconds",
                "1",
            ]
        )
        == 2
    )
    assert "does not exist" in capsys.readouterr().err


def test_read_fasta_reads_gzip_and_rejects_empty_files(tmp_path):
    import gzip

    p = tmp_path / "a.fa.gz"
    with gzip.open(p, "wt") as fh:
        fh.write(">a\nACD\nEF\n>b\nklm\n")
    assert read_fasta(p) == ["ACDEF", "KLM"]
    empty = tmp_path / "e.fa"
    empty.write_text("no records here\n")
    with pytest.raises(ValueError, match="no sequences"):
        read_fasta(empty)


def test_sigterm_ends_pretraining_and_still_saves(tmp_path):
    """What bench/gpu_run.sh relies on: `timeout` sends SIGTERM, the run stops, evaluates, saves."""
    import signal
    import subprocess
    import sys
    from pathlib import Path

    fa = tmp_path / "seqs.fa"
    fa.write_text("".join(f">s{i}\n{s}\n" for i, s in enumerate(_seqs(60, 9))))
    out = tmp_path / "ckpt"
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, str(root / "bench" / "gpu_pretrain.py"), "pretrain", "--sequences",
         str(fa), "--out", str(out), "--seconds", "3600", "--batch-tokens", "256",
         "--max-residues", "30", "--val-limit", "4", "--json"],
        stdout=subprocess.PIPE, text=True, cwd=root,
    )  # fmt: skip
    assert proc.stdout is not None
    first = json.loads(proc.stdout.readline())  # training has started
    proc.send_signal(signal.SIGTERM)
    rest = proc.stdout.read()
    assert proc.wait(timeout=600) == 0
    last = json.loads(rest.strip().splitlines()[-1])
    assert first["step"] >= 1 and last["done"]
    assert (out / "model.safetensors").is_file() and (out / "MODEL_CARD.md").is_file()
