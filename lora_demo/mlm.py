"""Masked-language modelling on protein sequences: ESM-style masking and its evaluation.

Masking follows ESM-2 (and BERT): 15% of the residue positions are chosen; of those 80% become
``<mask>``, 10% a random amino acid and 10% stay unchanged. ``<cls>``, ``<eos>`` and ``<pad>`` are
never chosen. Evaluation uses a fixed seed, so two models are scored on the same masked positions.
"""

from __future__ import annotations

import gzip
import math
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from .architecture import ESM_ALPHABET, MAX_RESIDUES
from .errors import SequenceFileError

CLS_ID, PAD_ID, EOS_ID, MASK_ID = 0, 1, 2, 32
MASK_PROB = 0.15
# ids of the 20 standard amino acids: the pool for the "random token" replacement
STANDARD_AA_IDS = torch.tensor([ESM_ALPHABET.index(a) for a in "LAGVSERTIDPKQNFYMHWC"])

_LOOKUP: np.ndarray = np.full(256, ESM_ALPHABET.index("<unk>"), dtype=np.int64)
for _i, _tok in enumerate(ESM_ALPHABET):
    if len(_tok) == 1:
        _LOOKUP[ord(_tok)] = _i
        _LOOKUP[ord(_tok.lower())] = _i


def read_fasta(path: str | Path, limit: int | None = None) -> list[str]:
    """Sequences of a FASTA file (``.gz`` allowed), upper-cased; headers are ignored."""
    p = Path(path)
    if not p.is_file():
        raise SequenceFileError(f"{p} does not exist; give a FASTA file of protein sequences.")
    opener = gzip.open if p.suffix == ".gz" else open
    seqs: list[str] = []
    chunks: list[str] = []
    in_record = False
    try:
        with opener(p, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(">"):
                    if chunks:
                        seqs.append("".join(chunks).upper())
                        if limit is not None and len(seqs) >= limit:
                            return seqs
                    chunks, in_record = [], True
                elif in_record:  # text before the first header is not a sequence
                    chunks.append(line.strip())
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise SequenceFileError(f"{p} is not a readable (gzipped) FASTA file: {exc}") from None
    if chunks:
        seqs.append("".join(chunks).upper())
    if not seqs:
        raise SequenceFileError(f"{p} holds no sequences (FASTA records start with '>').")
    return seqs


def encode_ids(seq: str) -> np.ndarray:
    """Token ids ``<cls> residues <eos>`` (unknown letters -> ``<unk>``), as the tokenizer would."""
    body = _LOOKUP[np.frombuffer(seq.encode("ascii", "replace"), dtype=np.uint8)]
    return np.concatenate(([CLS_ID], body, [EOS_ID]))


def crop(seq: str, max_residues: int, rng: np.random.Generator | None) -> str:
    """A window of at most ``max_residues``: random with ``rng``, else the first residues."""
    if len(seq) <= max_residues:
        return seq
    start = 0 if rng is None else int(rng.integers(0, len(seq) - max_residues + 1))
    return seq[start : start + max_residues]


def collate(seqs: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """``(input_ids, attention_mask)`` padded to the longest sequence of the batch."""
    ids = [encode_ids(s) for s in seqs]
    width = max(len(x) for x in ids)
    out: np.ndarray = np.full((len(ids), width), PAD_ID, dtype=np.int64)
    for i, x in enumerate(ids):
        out[i, : len(x)] = x
    input_ids = torch.from_numpy(out)
    return input_ids, (input_ids != PAD_ID).long()


def mask_tokens(
    input_ids: torch.Tensor, generator: torch.Generator | None = None, prob: float = MASK_PROB
) -> tuple[torch.Tensor, torch.Tensor]:
    """ESM/BERT masking: returns ``(masked input_ids, labels)`` with labels -100 where unscored."""
    special = (input_ids == CLS_ID) | (input_ids == EOS_ID) | (input_ids == PAD_ID)
    # draws come from ``generator`` on the CPU so masks repeat on any device
    shape = input_ids.shape
    chosen = (torch.rand(shape, generator=generator) < prob).to(input_ids.device) & ~special
    labels = torch.where(chosen, input_ids, torch.full_like(input_ids, -100))
    # one uniform draw per position decides mask (80%) / random residue (10%) / keep (10%)
    v = torch.rand(shape, generator=generator).to(input_ids.device)
    pool = STANDARD_AA_IDS.to(input_ids.device)
    pick = torch.randint(len(pool), shape, generator=generator).to(input_ids.device)
    masked = input_ids.clone()
    masked[chosen & (v < 0.8)] = MASK_ID
    rand_pos = chosen & (v >= 0.8) & (v < 0.9)
    masked[rand_pos] = pool[pick[rand_pos]]
    return masked, labels


def mlm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over the scored (masked) positions, computed in fp32."""
    return nn.functional.cross_entropy(
        logits.reshape(-1, logits.shape[-1]).float(), labels.reshape(-1), ignore_index=-100
    )


@dataclass(frozen=True)
class MlmEval:
    """Masked-token accuracy and perplexity (exp of the mean masked-token cross-entropy)."""

    masked_accuracy: float
    perplexity: float
    loss: float
    masked_tokens: int
    sequences: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def length_batches(seqs: list[str], batch_tokens: int, max_batch: int = 512) -> Iterator[list[str]]:
    """Length-sorted batches holding at most ``batch_tokens`` padded tokens (less padding waste)."""
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    batch: list[str] = []
    for i in order:
        width = len(seqs[i]) + 2
        if batch and (width * (len(batch) + 1) > batch_tokens or len(batch) >= max_batch):
            yield batch
            batch = []
        batch.append(seqs[i])
    if batch:
        yield batch


def evaluate_mlm(
    model: nn.Module,
    sequences: Iterable[str],
    *,
    device: str = "cpu",
    max_residues: int = 510,
    batch_tokens: int = 8192,
    seed: int = 0,
    autocast: bool | None = None,
) -> MlmEval:
    """Masked-token accuracy and perplexity of an ``EsmForMaskedLM`` on ``sequences``.

    Sequences are cut to their first ``max_residues``; the masks depend only on ``seed`` and the
    batch layout, so every model scored with the same arguments sees the same masked positions.
    ``autocast`` (bf16) defaults to on for CUDA.
    """
    import time

    t0 = time.perf_counter()
    seqs = [crop(s, min(max_residues, MAX_RESIDUES), None) for s in sequences]
    if not seqs:
        raise SequenceFileError("no sequences to evaluate on.")
    use_autocast = (device == "cuda") if autocast is None else autocast
    gen = torch.Generator().manual_seed(seed)
    was_training = model.training
    model.eval()
    total_loss, correct, n = 0.0, 0, 0
    with torch.inference_mode():
        for batch in length_batches(seqs, batch_tokens):
            ids, attn = collate(batch)
            masked, labels = mask_tokens(ids, gen)
            masked, attn, labels = masked.to(device), attn.to(device), labels.to(device)
            with torch.autocast(
                device_type="cuda" if device == "cuda" else "cpu",
                dtype=torch.bfloat16,
                enabled=use_autocast,
            ):
                logits = model(input_ids=masked, attention_mask=attn).logits
            flat = logits.reshape(-1, logits.shape[-1]).float()
            y = labels.reshape(-1)
            keep = y != -100
            k = int(keep.sum())
            if k == 0:
                continue
            total_loss += float(nn.functional.cross_entropy(flat[keep], y[keep], reduction="sum"))
            correct += int((flat[keep].argmax(-1) == y[keep]).sum())
            n += k
    model.train(was_training)
    mean = total_loss / max(n, 1)
    return MlmEval(
        masked_accuracy=correct / max(n, 1),
        perplexity=math.exp(mean) if n else float("nan"),
        loss=mean,
        masked_tokens=n,
        sequences=len(seqs),
        seconds=time.perf_counter() - t0,
    )
