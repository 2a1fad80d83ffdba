"""Pretraining's resume state: ``resume/state.pt`` (weights, optimizer, counters) saved, loaded.

Written atomically (a temporary file, then a rename), so a run stopped mid-save leaves the previous
state intact; read with ``weights_only=True`` and checked to belong to the same model size.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from .errors import PretrainError
from .mlm import MlmEval

STATE_FILE = "resume/state.pt"


@dataclass
class ResumeState:
    """Where a run stands: counters, the history so far and the random-init baseline."""

    step: int
    tokens: int
    elapsed: float  # seconds trained over all sessions
    history: list
    sessions: list
    random_init: MlmEval


def save_state(
    out: Path, model: nn.Module, opt: torch.optim.Optimizer, model_name: str, state: ResumeState
) -> None:
    """Write the resume state of ``model``/``opt`` into ``out`` (never half-written)."""
    path = out / STATE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": opt.state_dict(),
            "model_name": model_name,
            "step": state.step,
            "tokens": state.tokens,
            "elapsed": state.elapsed,
            "history": json.dumps(state.history),
            "sessions": json.dumps(state.sessions),
            "random_init": json.dumps(state.random_init.to_dict()),
        },
        tmp,
    )
    tmp.replace(path)  # never leave a half-written state behind


def load_state(
    out: Path, model: nn.Module, opt: torch.optim.Optimizer, device: str, model_name: str
) -> ResumeState:
    """Load the state saved in ``out`` into ``model``/``opt``; a PretrainError says what to do."""
    path = out / STATE_FILE
    if not path.is_file():
        raise PretrainError(
            f"nothing to resume in {out}: {STATE_FILE} is missing. Run without --resume first."
        )
    try:
        st = torch.load(path, map_location=device, weights_only=True)
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["optimizer"])
    except Exception as exc:  # corrupt or foreign file
        raise PretrainError(
            f"{path} could not be loaded ({type(exc).__name__}: {exc}); "
            "start again without --resume in an empty folder."
        ) from exc
    if st["model_name"] != model_name:
        raise PretrainError(f"{out} holds a {st['model_name']} run, not {model_name}.")
    return ResumeState(
        int(st["step"]),
        int(st["tokens"]),
        float(st["elapsed"]),
        json.loads(st["history"]),
        json.loads(st["sessions"]),
        MlmEval(**json.loads(st["random_init"])),
    )
