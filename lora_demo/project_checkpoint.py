"""The checkpoint this project pretrained (``python -m lora_demo pretrain``), shipped in the repo.

It sits in ``lora_demo/checkpoints/esm2_t6_8M_project/`` (fp16 safetensors + config + model card)
when it has been made; it is the exact 8M architecture, pretrained briefly by this project, and
is always labelled so ("pretrained by this project on N tokens"), never as the official ESM-2.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent / "checkpoints" / "esm2_t6_8M_project"
PROJECT_MODEL = "esm2_t6_8M"
PROJECT_SOURCE = "project"  # the CLI's --source alias


@dataclass(frozen=True)
class ProjectCheckpoint:
    folder: Path
    label: str  # "pretrained by this project on N tokens"
    metrics: dict

    @property
    def card(self) -> str:
        path = self.folder / "MODEL_CARD.md"
        return path.read_text(encoding="utf-8") if path.is_file() else ""


def project_checkpoint(folder: Path | None = None) -> ProjectCheckpoint | None:
    """The shipped checkpoint, or None when it is absent or incomplete."""
    d = folder or PROJECT_DIR
    if not ((d / "config.json").is_file() and (d / "model.safetensors").is_file()):
        return None
    try:
        metrics = json.loads((d / "pretrain_metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        metrics = {}
    tokens = metrics.get("tokens_seen")
    label = (
        f"pretrained by this project on {tokens:,} tokens"
        if isinstance(tokens, int)
        else "pretrained by this project (token count not recorded)"
    )
    return ProjectCheckpoint(d, label, metrics)


def resolve_project_source(source: str) -> str:
    """``"project"`` -> the shipped folder (absolute path); anything else unchanged."""
    if source != PROJECT_SOURCE:
        return source
    ckpt = project_checkpoint()
    if ckpt is None:
        from .errors import ModelLoadError

        raise ModelLoadError(
            f"the project's pretrained checkpoint is not in {PROJECT_DIR}; make it with "
            "`python -m lora_demo pretrain --sequences FILE --out DIR --seconds N` and copy "
            "model.safetensors, config.json, vocab.txt, tokenizer_config.json, MODEL_CARD.md and "
            "pretrain_metrics.json there, or use source='random'."
        )
    return str(ckpt.folder)
