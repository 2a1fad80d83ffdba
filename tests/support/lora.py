"""Shared helpers for the lora_demo tests: offline environment, anchor tables, checkpoints, fingerprints."""

from __future__ import annotations

import hashlib
import os

import torch

# No test may reach a model hub.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

# anchors-lora-demo.md §1.3: plain transformers model parameter counts (C = 2).
BASE_COUNTS = {
    "esm2_t6_8M": {"mlm": 7_512_474, "seq": 7_512_443, "token": 7_409_723},
    "esm2_t12_35M": {"mlm": 33_501_394, "seq": 33_501_363, "token": 33_270_483},
    "esm2_t30_150M": {"mlm": 148_140_154, "seq": 148_140_123, "token": 147_729_883},
    "esm2_t33_650M": {"mlm": 651_043_254, "seq": 651_043_223, "token": 649_403_543},
    "esm2_t36_3B": {"mlm": 2_839_005_634, "seq": 2_839_005_603, "token": 2_832_449_443},
    "esm2_t48_15B": {"mlm": 15_129_100_194, "seq": 15_129_100_163, "token": 15_102_880_643},
}
# §1.5: (LoRA q,v r=8, + SeqCls head copy, printed trainable%)
QV_R8_SEQ = {
    "esm2_t6_8M": (61_440, 164_802, "2.1466"),
    "esm2_t12_35M": (184_320, 416_162, "1.2270"),
    "esm2_t30_150M": (614_400, 1_025_922, "0.6878"),
    "esm2_t33_650M": (1_351_680, 2_993_922, "0.4578"),
    "esm2_t36_3B": (2_949_120, 9_510_402, "0.3339"),
    "esm2_t48_15B": (7_864_320, 34_094_082, "0.2248"),
}
ALL_SIX = ("query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense")


def make_checkpoint(folder, model: str = "esm2_t6_8M", head: str = "seq", seed: int = 123):
    """A real checkpoint folder (config.json + model.safetensors) of a seeded random-init ESM-2.

    Returns the saved model. ``load_base`` uses lora_demo's offline tokenizer, so no tokenizer
    files are needed.
    """
    from lora_demo import build_model

    net = build_model(model, head, 2, seed=seed)
    net.save_pretrained(str(folder), safe_serialization=True)
    return net


def fingerprint(module: torch.nn.Module) -> str:
    """SHA-256 over every parameter and buffer (name, dtype, shape, bytes) of a module."""
    digest = hashlib.sha256()
    for name, tensor in sorted(module.state_dict().items()):
        data = tensor.detach().cpu().contiguous()
        digest.update(f"{name}|{data.dtype}|{tuple(data.shape)}".encode())
        digest.update(data.view(torch.uint8).numpy().tobytes() if data.numel() else b"")
    return digest.hexdigest()
