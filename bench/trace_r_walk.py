"""Trace the Lab's r-slider walk: the project modules a changed r passes on its way to LoraConfig.

Runs, for one rerun after the r slider moved, the public functions the Lab's Parameters tab runs
(ui/lab/controls.py builds ``LoraSettings``; the weights note decides the source; ui/lab/
params_panel.py calls ``count``) under ``sys.setprofile`` and prints the modules walked through
(tests/support/module_walk.py says how), those entered again after being left (A -> B -> A), the
lookups, and how many times ``LoraSettings`` was validated.

    .venv/bin/python bench/trace_r_walk.py [--r 23]

Recorded 2026-12-06 (issue 13; tests/unit/test_lab_r_walk.py asserts the property):
  before: config -> sources -> counting -> sources -> peft_models -> esm -> config -> closed_form
          -> config (config and sources re-entered; lookups: architecture x6)
  after:  config -> counting -> peft_models -> esm (nothing re-entered; lookups: architecture x2,
          sources x2, closed_form x1); LoraSettings validated once in both.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.module_walk import trace_walk


def r_walk(r: int) -> Callable[[], Any]:
    """The engine side of one Lab rerun whose r slider now says ``r`` (Parameters tab)."""
    from lora_demo import DEFAULT_SETTINGS, LoraSettings, count, resolve_source

    fields = {f: getattr(DEFAULT_SETTINGS, f) for f in ("model", "head", "alpha", "targets")}

    def action() -> Any:
        settings = LoraSettings(**fields, r=r)  # ui.lab.controls.render_controls
        weights = resolve_source(settings)  # ui.lab.weights.weights_note, once per rerun
        return count(settings, weights)  # ui.lab.params_panel.params_panel

    return action


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--r", type=int, default=23, help="the new r (one no earlier count cached)")
    args = ap.parse_args()
    r_walk(args.r - 1)()  # imports and lazy names first, so only the walk itself is traced
    walk = trace_walk(r_walk(args.r))
    print("visits:     " + " -> ".join(walk.visits))
    print("walk:       " + " -> ".join(walk.walk))
    print("re-entered: " + (", ".join(walk.reentered) or "none"))
    print("lookups:    " + ", ".join(f"{m} x{n}" for m, n in walk.lookups.items()))
    print(f"LoraSettings validated: {walk.settings_checks}x")


if __name__ == "__main__":
    main()
