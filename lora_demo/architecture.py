"""ESM-2 architectures as plain data: sizes, heads, dtype names and module names (no torch).

Everything here is cheap to import, so settings can be checked (and the CLI can refuse bad
arguments) before torch, transformers or PEFT are loaded.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

# ESM-1b/ESM-2 alphabet (facebookresearch/esm esm/data.py); 33 tokens, cls 0, pad 1, eos 2, mask 32.
ESM_ALPHABET: tuple[str, ...] = (
    "<cls>", "<pad>", "<eos>", "<unk>",
    "L", "A", "G", "V", "S", "E", "R", "T", "I", "D", "P", "K", "Q", "N", "F", "Y",
    "M", "H", "W", "C", "X", "B", "U", "Z", "O", ".", "-", "<null_1>", "<mask>",
)  # fmt: skip
RESIDUES = "LAGVSERTIDPKQNFYMHWCXBUZO"  # single-letter codes the tokenizer maps to real ids
MAX_RESIDUES = 1022  # 1024 positions minus <cls> and <eos>
VOCAB_SIZE = len(ESM_ALPHABET)

HEADS: tuple[str, ...] = ("mlm", "seq", "token")
# Weight dtypes a model can run in; lora_demo.esm.DTYPES maps these names to torch dtypes.
DTYPE_NAMES: tuple[str, ...] = ("float32", "bfloat16", "float16")


@dataclass(frozen=True)
class EsmSpec:
    """One ESM-2 checkpoint: short name, hub id and architecture numbers."""

    short: str
    hub_id: str
    layers: int
    hidden: int
    heads: int

    @property
    def intermediate(self) -> int:
        return 4 * self.hidden


SPECS: dict[str, EsmSpec] = {
    s.short: s
    for s in (
        EsmSpec("esm2_t6_8M", "facebook/esm2_t6_8M_UR50D", 6, 320, 20),
        EsmSpec("esm2_t12_35M", "facebook/esm2_t12_35M_UR50D", 12, 480, 20),
        EsmSpec("esm2_t30_150M", "facebook/esm2_t30_150M_UR50D", 30, 640, 20),
        EsmSpec("esm2_t33_650M", "facebook/esm2_t33_650M_UR50D", 33, 1280, 20),
        EsmSpec("esm2_t36_3B", "facebook/esm2_t36_3B_UR50D", 36, 2560, 40),
        EsmSpec("esm2_t48_15B", "facebook/esm2_t48_15B_UR50D", 48, 5120, 40),
    )
}
MODEL_NAMES: tuple[str, ...] = tuple(SPECS)


def resolve_model_name(name: str) -> EsmSpec:
    """Accept a short name (``esm2_t6_8M``), a hub id or the hub id without ``facebook/``."""
    key = name.strip()
    for spec in SPECS.values():
        if key in (spec.short, spec.hub_id, spec.hub_id.split("/", 1)[1]):
            return spec
    raise KeyError(name)


_BLOCK = (
    "attention", "attention.self", "attention.self.query", "attention.self.key",
    "attention.self.value", "attention.output", "attention.output.dense",
    "attention.output.dropout", "attention.LayerNorm", "intermediate", "intermediate.dense",
    "output", "output.dense", "output.dropout", "LayerNorm",
)  # fmt: skip
_HEAD_MODULES = {
    "seq": ("classifier", "classifier.dense", "classifier.dropout", "classifier.out_proj"),
    "token": ("dropout", "classifier"),
    "mlm": ("lm_head", "lm_head.dense", "lm_head.layer_norm", "lm_head.decoder"),
}


@functools.lru_cache(maxsize=32)
def module_names(model: str, head: str) -> tuple[str, ...]:
    """``named_modules()`` names of the transformers ESM-2 model, from the architecture alone.

    A test pins them to the real model's names; settings use them to check a target regex
    without building a model.
    """
    spec = resolve_model_name(model)
    names = ["", "esm", "esm.embeddings", "esm.embeddings.word_embeddings"]
    names += ["esm.embeddings.dropout", "esm.rotary_embeddings", "esm.encoder", "esm.encoder.layer"]
    for i in range(spec.layers):
        prefix = f"esm.encoder.layer.{i}"
        names += [prefix, *(f"{prefix}.{part}" for part in _BLOCK)]
    names += ["esm.encoder.emb_layer_norm_after", "esm.contact_head"]
    names += ["esm.contact_head.regression", "esm.contact_head.activation"]
    return (*names, *_HEAD_MODULES[head])
