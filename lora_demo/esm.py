"""ESM-2 models in transformers: exact configs, seeded or meta-device models, offline tokenizer.

Every config sets every field explicitly: the transformers ``EsmConfig`` defaults
(hidden 768, absolute positions, dropout 0.1, eps 1e-12) are *not* ESM-2.
"""

from __future__ import annotations

import copy
import functools
import os
import tempfile
from pathlib import Path

import torch
from torch import nn
from transformers import (
    EsmConfig,
    EsmForMaskedLM,
    EsmForSequenceClassification,
    EsmForTokenClassification,
    EsmTokenizer,
    PreTrainedModel,
)

from .architecture import DTYPE_NAMES, ESM_ALPHABET, VOCAB_SIZE, resolve_model_name

HEAD_CLASSES: dict[str, type[PreTrainedModel]] = {
    "mlm": EsmForMaskedLM,
    "seq": EsmForSequenceClassification,
    "token": EsmForTokenClassification,
}


def esm_config(model: str, head: str = "seq", num_labels: int = 2) -> EsmConfig:
    """Exact ESM-2 ``EsmConfig`` (every field set) for ``model`` and ``head``."""
    spec = resolve_model_name(model)
    cfg = EsmConfig(
        vocab_size=VOCAB_SIZE,
        mask_token_id=32,
        pad_token_id=1,
        hidden_size=spec.hidden,
        num_hidden_layers=spec.layers,
        num_attention_heads=spec.heads,
        intermediate_size=spec.intermediate,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
        hidden_act="gelu",
        max_position_embeddings=1026,
        rope_theta=10000.0,
        initializer_range=0.02,
        layer_norm_eps=1e-5,
        position_embedding_type="rotary",
        use_cache=False,
        emb_layer_norm_before=False,
        token_dropout=True,
        is_folding_model=False,
        tie_word_embeddings=True,
        eos_token_id=2,
        num_labels=num_labels,
    )
    cfg.architectures = [HEAD_CLASSES[head].__name__]
    # SDPA is exact and fast on CPU; eager is only needed to look at attention weights.
    cfg._attn_implementation = "sdpa"
    return cfg


def build_model(
    model: str, head: str = "seq", num_labels: int = 2, *, seed: int = 0, device: str = "cpu"
) -> nn.Module:
    """Architecture-exact ESM-2 with a seeded random init (``device="meta"``: no weights)."""
    cfg = esm_config(model, head, num_labels)
    cls = HEAD_CLASSES[head]
    if device == "meta":
        with torch.device("meta"):
            return cls(cfg)
    gen_state = torch.random.get_rng_state()
    try:
        torch.manual_seed(seed)
        with torch.device(device):
            net = cls(cfg)
    finally:
        torch.random.set_rng_state(gen_state)
    return net.eval()


@functools.lru_cache(maxsize=16)
def _meta_model(model: str, head: str, num_labels: int) -> nn.Module:
    return build_model(model, head, num_labels, device="meta")


def meta_model(model: str, head: str = "seq", num_labels: int = 2) -> nn.Module:
    """A fresh, independent copy of the cached meta-device model (no data is allocated)."""
    return clone_meta(_meta_model(resolve_model_name(model).short, head, num_labels))


def clone_meta(module: nn.Module) -> nn.Module:
    """Structural copy of a meta-device module tree, ~3x faster than ``copy.deepcopy``.

    Every module, parameter and buffer is new (so PEFT can flip ``requires_grad`` and swap
    submodules without touching the cache); tied parameters stay tied; the config is copied once.
    """
    memo: dict[int, object] = {}

    def clone_tensor(t: torch.Tensor | None):
        if t is None:
            return None
        if id(t) not in memo:  # shared (tied) tensors map to one new tensor
            new = torch.empty_like(t, device="meta")
            if isinstance(t, nn.Parameter):
                new = nn.Parameter(new, requires_grad=t.requires_grad)
            memo[id(t)] = new
        return memo[id(t)]

    def clone(mod: nn.Module) -> nn.Module:
        if id(mod) in memo:
            return memo[id(mod)]
        new = object.__new__(type(mod))
        memo[id(mod)] = new
        d = dict(mod.__dict__)
        for key, value in d.items():
            if isinstance(value, dict):  # hook dicts, _parameters, _buffers, _modules, ...
                d[key] = value.copy()
            elif key == "config":
                d[key] = memo.setdefault(id(value), copy.deepcopy(value))
        d["_parameters"] = {k: clone_tensor(p) for k, p in mod._parameters.items()}
        d["_buffers"] = {k: clone_tensor(b) for k, b in mod._buffers.items()}
        d["_modules"] = {k: None if m is None else clone(m) for k, m in mod._modules.items()}
        new.__dict__.update(d)
        return new

    if any(p.device.type != "meta" for p in module.parameters()):
        raise ValueError("clone_meta only copies meta-device models; use copy.deepcopy")
    return clone(module)


@functools.lru_cache(maxsize=1)
def _vocab_file() -> str:
    path = Path(tempfile.gettempdir()) / f"lora_demo_esm_vocab_{os.getpid()}.txt"
    path.write_text("\n".join(ESM_ALPHABET) + "\n", encoding="utf-8")
    return str(path)


@functools.lru_cache(maxsize=1)
def tokenizer() -> EsmTokenizer:
    """Offline ``EsmTokenizer`` built from the 33-token ESM alphabet (same ids as the hub's)."""
    return EsmTokenizer(vocab_file=_vocab_file())


def default_device() -> str:
    """CUDA when present, else MPS where available, else CPU."""
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


DTYPES: dict[str, torch.dtype] = {name: getattr(torch, name) for name in DTYPE_NAMES}


def supported_dtypes(device: str) -> tuple[str, ...]:
    """Dtypes usable on ``device``; fp16 matmuls on CPU are slow but supported in torch 2.x."""
    if device == "cuda" and torch.cuda.is_available() and not torch.cuda.is_bf16_supported():
        return ("float32", "float16")
    return DTYPE_NAMES
