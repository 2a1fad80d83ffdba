"""What a pretraining run reports and leaves behind: progress, result, fp16 export, model card."""

from __future__ import annotations

import copy
import json
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from .esm import tokenizer
from .mlm import MlmEval

METRICS_FILE = "pretrain_metrics.json"
CARD_FILE = "MODEL_CARD.md"


@dataclass(frozen=True)
class PretrainProgress:
    """One progress report (every few steps, after each evaluation, and at the end)."""

    step: int
    tokens_seen: int
    elapsed_seconds: float  # over all sessions, resumes included
    train_loss: float
    lr: float
    tokens_per_second: float  # this session
    val: MlmEval | None = None
    done: bool = False

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["val"] = self.val.to_dict() if self.val else None
        return d


@dataclass
class PretrainResult:
    out_dir: Path
    steps: int
    tokens_seen: int
    seconds: float
    random_init: MlmEval
    final: MlmEval
    metrics: dict[str, Any] = field(default_factory=dict)


def hardware(device: str) -> str:
    """The machine a session ran on, for the model card."""
    if device == "cuda":
        return f"{torch.cuda.get_device_name(0)} (CUDA {torch.version.cuda})"
    return f"CPU ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"


def software_versions() -> dict[str, str]:
    import transformers

    return {
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "python": platform.python_version(),
    }


def write_metrics_and_card(out: Path, metrics: dict[str, Any]) -> None:
    (out / METRICS_FILE).write_text(json.dumps(metrics, indent=1), encoding="utf-8")
    (out / CARD_FILE).write_text(model_card(metrics), encoding="utf-8")


def save_export(model: torch.nn.Module, out_dir: Path) -> None:
    """fp16 safetensors + config.json + tokenizer files (what ``load_base(source=folder)`` reads)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # no tqdm bars in logs or the UI
    half = copy.deepcopy(model).to("cpu", torch.float16)
    half.save_pretrained(str(out_dir), safe_serialization=True)
    tok_dir = out_dir / ".tok"
    tokenizer().save_pretrained(str(tok_dir))  # transformers also writes added_tokens.json
    for name in ("vocab.txt", "tokenizer_config.json"):
        (tok_dir / name).replace(out_dir / name)
    for leftover in tok_dir.iterdir():
        leftover.unlink()
    tok_dir.rmdir()


def _fmt_tokens(n: int) -> str:
    for unit, div in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= div:
            return f"{n / div:.1f}{unit}"
    return str(n)


def _num(v: object) -> str:
    return f"{v:,}" if isinstance(v, int) else "not recorded"


def model_card(m: dict[str, Any]) -> str:
    """The model card text: what the checkpoint is, how it was made, what it scores."""
    ri, fi = m["random_init"], m["final"]
    data = m.get("data", {})
    return f"""# {m["model"]} architecture, pretrained by this project on {m["tokens_seen"]:,} tokens

This is **not** the official ESM-2 checkpoint (`{m["hub_id"]}`). It has the exact ESM-2
{m["model"]} architecture (`EsmForMaskedLM`, {m["parameters"]:,} parameters) and was pretrained
from a seeded random initialisation by the LoRA Interview Lab project with masked-language
modelling (15% of residues; 80% `<mask>`, 10% random amino acid, 10% unchanged), for a short
time budget. It is far less trained than ESM-2 (about 10^12 tokens); use it to see what
pretraining changes, not as a substitute for the official weights.

| | value |
|---|---|
| tokens seen (non-padding, incl. `<cls>`/`<eos>`) | {m["tokens_seen"]:,} ({_fmt_tokens(m["tokens_seen"])}) |
| optimizer steps | {m["steps"]:,} |
| training time | {m["seconds"]:.0f} s ({m["tokens_per_second"]:,.0f} tokens/s) |
| hardware | {m["hardware"]} |
| precision | {m["precision"]}; saved as fp16 safetensors |
| batch | ≤ {m["config"]["batch_tokens"]:,} padded tokens, crops of ≤ {m["config"]["max_residues"]} residues |
| optimiser | AdamW (β 0.9/0.98, wd {m["config"]["weight_decay"]}), peak lr {m["config"]["lr"]}, warm-up {m["config"]["warmup_fraction"]:.0%} of the budget, cosine to 10% |
| date (UTC) | {m["date"]} |
| software | torch {m["software"]["torch"]}, transformers {m["software"]["transformers"]}, python {m["software"]["python"]} |

## Data

- Training sequences: {_num(data.get("train_sequences"))} from `{data.get("train_file", "?")}`
- Validation sequences: {_num(data.get("val_sequences"))} from `{data.get("val_file", "?")}` ({data.get("val_note", "")})
- Source: {data.get("source", "not recorded")}
- Licence: {data.get("licence", "not recorded")}

## Validation (same sequences, same masked positions for both models)

| model | masked-token accuracy | perplexity |
|---|---|---|
| random init (seed {m["config"]["seed"]}) | {ri["masked_accuracy"]:.3f} | {ri["perplexity"]:.2f} |
| this checkpoint | {fi["masked_accuracy"]:.3f} | {fi["perplexity"]:.2f} |

Perplexity is exp(mean cross-entropy) over {fi["masked_tokens"]:,} masked positions of
{fi["sequences"]:,} sequences cut to their first {m["config"]["max_residues"]} residues. A uniform guess over the
20 amino acids has perplexity 20; the background composition about 17.

## Use

`python -m lora_demo train --source <this folder> ...`, or pick it as the weights source in the
Lab. Files: `model.safetensors`, `config.json`, `vocab.txt`, `tokenizer_config.json`,
`{METRICS_FILE}` (all numbers above, plus the training curve).
"""
