"""Peak memory of one Lab training on the largest upload the Lab accepts.

Each configuration runs in a fresh process (peak RSS is per process): the largest live model
(esm2_t12_35M), the Lab's largest batch (16), full fine-tuning (the most memory) and LoRA, on a
file at the limits (1022-residue sequences up to `MAX_TOTAL_RESIDUES` in all). The figure is
the peak RSS during training minus the RSS just before it (libraries, base model, parsed task).
``--uncapped`` lifts both budgets (the Lab before issue 12: 16 sequences of 1022 residues).

    HF_HUB_OFFLINE=1 .venv/bin/python bench/upload_memory.py [--steps 1] [--uncapped]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def largest_upload() -> bytes:
    """A CSV at the limits: as many 1022-residue sequences as the total-residue cap allows."""
    from lora_demo.architecture import MAX_RESIDUES
    from lora_demo.tasks import AMINO_ACIDS
    from lora_demo.user_tasks import MAX_SEQUENCES, MAX_TOTAL_RESIDUES

    rng = random.Random(0)
    n = min(MAX_TOTAL_RESIDUES // MAX_RESIDUES, MAX_SEQUENCES)
    rows = [
        "".join(rng.choice(AMINO_ACIDS) for _ in range(MAX_RESIDUES)) + f",{i % 2}"
        for i in range(n)
    ]
    return ("sequence,label\n" + "\n".join(rows) + "\n").encode()


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def one_run(mode: str, model: str, batch: int, steps: int, uncapped: bool) -> dict:
    import lora_demo.tasks as tasks
    from lora_demo import LoraSettings, load_user_task
    from lora_demo.train import RunSpec, train

    if uncapped:
        tasks.TOKEN_BUDGET = tasks.ATTENTION_BUDGET = 1 << 40
    data = largest_upload()
    task = load_user_task(data, "largest.csv")
    # validation runs batch by batch within the same budget, so 4 of its sequences show the
    # same peak as all of them, in a fraction of the time
    task = dataclasses.replace(task, val=task.val[:4])
    spec = RunSpec(mode, mode, LoraSettings(model=model, head="seq"))
    before = _rss_mb()
    result = train(task, spec, steps, batch, eval_every=steps)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "mode": mode,
        "model": model,
        "batch_asked": batch,
        "batch_used": tasks.batch_within_budget(task.train, batch),
        "uncapped": uncapped,
        "file_bytes": len(data),
        "sequences": len(task.train) + len(task.val),
        "rss_before_mb": round(before),
        "peak_rss_mb": round(peak),
        "training_mb": round(peak - before),
        "s_per_step": round(sum(r.seconds_per_step for r in result.steps) / len(result.steps), 2),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=1)
    p.add_argument("--uncapped", action="store_true")
    p.add_argument("--one", nargs=3, metavar=("MODE", "MODEL", "BATCH"))
    a = p.parse_args()
    if a.one:
        print(json.dumps(one_run(a.one[0], a.one[1], int(a.one[2]), a.steps, a.uncapped)))
        return
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    for mode in ("full", "lora"):
        cmd = [
            sys.executable,
            __file__,
            "--steps",
            str(a.steps),
            "--one",
            mode,
            "esm2_t12_35M",
            "16",
        ]
        if a.uncapped:
            cmd.append("--uncapped")
        out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        print(out.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
