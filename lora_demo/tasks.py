"""Protein tasks: the built-in ones generated offline from amino-acid properties, and batching.

Built-in tasks (deterministic from a seed, labels computed from real biochemistry scales):

* ``hydropathy-window`` (per residue): 1 when the Kyte-Doolittle hydropathy averaged over a
  5-residue window centred on the residue is > 0. Needs context, not a per-token lookup.
* ``net-charge`` (per sequence): 1 when the net charge at pH 7 (K, R +1; H +0.1; D, E -1) is > 0.
  Needs counting over the whole sequence.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # torch is imported where batches are made: parsing a file needs none of it
    import torch

KYTE_DOOLITTLE = {
    "A": 1.8, "R": -4.5, "N": -3.5, "D": -3.5, "C": 2.5, "Q": -3.5, "E": -3.5, "G": -0.4,
    "H": -3.2, "I": 4.5, "L": 3.8, "K": -3.9, "M": 1.9, "F": 2.8, "P": -1.6, "S": -0.8,
    "T": -0.7, "W": -0.9, "Y": -1.3, "V": 4.2,
}  # fmt: skip
CHARGE = {"K": 1.0, "R": 1.0, "H": 0.1, "D": -1.0, "E": -1.0}
# UniProtKB/Swiss-Prot background composition (%), used to draw realistic random sequences.
BACKGROUND = {
    "A": 8.25, "R": 5.53, "N": 4.06, "D": 5.45, "C": 1.37, "Q": 3.93, "E": 6.75, "G": 7.07,
    "H": 2.27, "I": 5.96, "L": 9.66, "K": 5.84, "M": 2.42, "F": 3.86, "P": 4.70, "S": 6.56,
    "T": 5.34, "W": 1.08, "Y": 2.92, "V": 6.87,
}  # fmt: skip
AMINO_ACIDS = "".join(BACKGROUND)
# One training step keeps every layer's activations for the backward pass: they grow with the
# padded tokens of a batch (batch x (longest + 2)) and the attention maps with batch x length^2
# (measured: 4 x 1024 tokens of full fine-tuning on 35M peaked at 4.4 GB; 16 x 1024 was worse).
# The batch is cut until both fit; bench/upload_memory.py measures what is left.
TOKEN_BUDGET = 4096
ATTENTION_BUDGET = 1 << 20  # batch x padded length^2: one 1024-token sequence, or 4 of 512


def batch_within_budget(items: Sequence[tuple[str, Label]], batch_size: int) -> int:
    """``batch_size`` cut so a batch of the longest sequences fits both budgets above."""
    longest = max((len(seq) for seq, _ in items), default=0) + 2  # <cls> and <eos>
    return max(1, min(batch_size, TOKEN_BUDGET // longest, ATTENTION_BUDGET // longest**2))


Label = int | list[int]  # a class per sequence, or one class per residue
Examples = tuple[tuple[str, Label], ...]


@dataclass(frozen=True)
class ProteinTask:
    """Labelled sequences. ``kind``: "token" (labels per residue) or "seq" (one label each)."""

    name: str
    kind: str
    num_labels: int
    train: Examples
    val: Examples
    description: str = ""

    @property
    def head(self) -> str:
        return "token" if self.kind == "token" else "seq"


def hydropathy_window_labels(seq: str, window: int = 5) -> list[int]:
    """1 where the windowed mean Kyte-Doolittle hydropathy is > 0 (window shrinks at the ends)."""
    half = window // 2
    vals = [KYTE_DOOLITTLE.get(a, 0.0) for a in seq]
    out = []
    for i in range(len(seq)):
        w = vals[max(0, i - half) : i + half + 1]
        out.append(int(sum(w) / len(w) > 0))
    return out


def net_charge(seq: str) -> float:
    """Approximate net charge at pH 7."""
    return sum(CHARGE.get(a, 0.0) for a in seq)


def _random_sequence(rng: random.Random, length: int, bias: dict[str, float] | None = None) -> str:
    weights = [BACKGROUND[a] * (bias or {}).get(a, 1.0) for a in AMINO_ACIDS]
    return "".join(rng.choices(AMINO_ACIDS, weights=weights, k=length))


def split_examples(
    items: list[tuple[str, Label]], val_fraction: float, seed: int
) -> tuple[Examples, Examples]:
    """Seeded shuffle, then (train, validation) with at least one validation example."""
    rng = random.Random(seed + 1)
    items = items[:]
    rng.shuffle(items)
    n_val = max(1, round(len(items) * val_fraction))
    return tuple(items[n_val:]), tuple(items[:n_val])


def make_task(
    name: str,
    n: int = 256,
    min_len: int = 24,
    max_len: int = 48,
    seed: int = 0,
    val_fraction: float = 0.25,
) -> ProteinTask:
    """Generate a built-in task deterministically from ``seed``."""
    rng = random.Random(seed)
    items: list[tuple[str, Label]] = []
    if name == "hydropathy-window":
        for _ in range(n):
            seq = _random_sequence(rng, rng.randint(min_len, max_len))
            items.append((seq, hydropathy_window_labels(seq)))
        kind, desc = "token", "per residue: windowed (5) Kyte-Doolittle hydropathy > 0"
    elif name == "net-charge":
        # Tilt half of the sequences towards K/R and half towards D/E so both classes occur.
        while len(items) < n:
            tilt = rng.choice([{"K": 1.6, "R": 1.6}, {"D": 1.6, "E": 1.6}])
            seq = _random_sequence(rng, rng.randint(min_len, max_len), tilt)
            charge = net_charge(seq)
            if abs(charge) >= 0.5:  # drop near-neutral sequences: their label is ambiguous
                items.append((seq, int(charge > 0)))
        kind, desc = "seq", "per sequence: net charge at pH 7 > 0 (K,R +1; H +0.1; D,E -1)"
    else:
        raise KeyError(f"unknown task {name!r}; built-in tasks: {', '.join(TASKS)}")
    train, val = split_examples(items, val_fraction, seed)
    return ProteinTask(name, kind, 2, train, val, desc)


TASKS: tuple[str, ...] = ("hydropathy-window", "net-charge")


# ---- batching ----------------------------------------------------------------------------------


def encode(items: Sequence[tuple[str, Any]], kind: str) -> dict[str, torch.Tensor]:
    """Tokenise ``(sequence, label)`` pairs; per-residue labels get -100 on <cls>/<eos>/<pad>."""
    import torch

    from .esm import tokenizer

    seqs = [s for s, _ in items]
    enc = tokenizer()(seqs, padding=True, return_tensors="pt")
    if kind == "seq":
        enc["labels"] = torch.tensor([int(lab) for _, lab in items])
    else:
        labels = torch.full(enc["input_ids"].shape, -100, dtype=torch.long)
        for i, (_, lab) in enumerate(items):
            labels[i, 1 : 1 + len(lab)] = torch.tensor(lab, dtype=torch.long)  # position 0 is <cls>
        enc["labels"] = labels
    return dict(enc)


def batches(
    items: Sequence[tuple[str, Label]], kind: str, batch_size: int, seed: int
) -> Iterator[dict[str, torch.Tensor]]:
    """Endless seeded shuffled batches (reshuffled every epoch)."""
    rng = random.Random(seed)
    order = list(range(len(items)))
    while True:
        rng.shuffle(order)
        # full batches only; a data set smaller than one batch is a single batch
        for i in range(0, max(len(order) - batch_size + 1, 1), batch_size):
            yield encode([items[j] for j in order[i : i + batch_size]], kind)


def random_batch(batch_size: int = 4, seq_len: int = 32, seed: int = 0) -> dict[str, torch.Tensor]:
    """A batch of random equal-length protein sequences (input_ids, attention_mask)."""
    from .esm import tokenizer

    rng = random.Random(seed)
    seqs = [_random_sequence(rng, seq_len) for _ in range(batch_size)]
    return dict(tokenizer()(seqs, return_tensors="pt"))
