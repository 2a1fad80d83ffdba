"""GPU benchmark for lora_demo: counts, merge check per dtype, LoRA/full/head on 8M and 35M, memory.

Run: ``python bench/bench_gpu.py --out FILE.json [--deadline SECONDS] [--task-dir DIR]
[--pretrained DIR]``. Without CUDA it writes ``{"skipped": true, ...}`` and exits 0, so a CPU
machine can run it. Each section is independent: an error is recorded in the JSON and the next
section still runs; sections that would start after ``--deadline`` seconds are skipped.

With ``--task-dir`` (a folder holding ``localization_gpu_{train,val}.tsv.gz`` and
``localization_card.json``, see ``bench/make_gpu_data.sh``) it also fine-tunes on the real localisation task, from the
random init and, with ``--pretrained``, from the project's pretrained checkpoint.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch

T0 = time.perf_counter()
DEVICE = "cuda"  # --dry-run-cpu switches every section to the CPU (to test this script)


def machine() -> dict:
    import peft
    import transformers

    return {
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "cuda": torch.version.cuda,
        "cpu_cores": os.cpu_count(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "peft": peft.__version__,
    }


def section_counts() -> dict:
    from lora_demo import MODEL_NAMES, LoraSettings, count

    out = {}
    for m in MODEL_NAMES:
        t = time.perf_counter()
        c = count(LoraSettings(model=m, r=8, alpha=16, targets=("query", "value")))
        out[m] = {
            "trainable": c.trainable,
            "total": c.total,
            "matches_formula": c.matches_formula,
            "seconds": round(time.perf_counter() - t, 3),
        }
    return out


def section_merge() -> dict:
    from lora_demo import LoraSettings, merge_check

    out = {}
    for m in ("esm2_t6_8M", "esm2_t12_35M"):
        s = LoraSettings(model=m, r=8, alpha=16, targets=("query", "value"), device=DEVICE)
        rep = merge_check(s, ("float32", "bfloat16", "float16"))
        out[m] = rep.to_dict()
    return out


def section_comparison(steps: int = 30) -> dict:
    from lora_demo import LoraSettings, RunSpec, run_comparison

    out = {}
    for m in ("esm2_t6_8M", "esm2_t12_35M"):
        lora = LoraSettings(model=m, r=8, alpha=16, targets=("query", "value"), device=DEVICE)
        base = LoraSettings(model=m, device=DEVICE)
        runs = [
            RunSpec("LoRA q,v r=8", "lora", lora),
            RunSpec("full fine-tuning", "full", base),
            RunSpec("head only", "head", base),
        ]
        t = time.perf_counter()
        res = run_comparison("net-charge", runs, steps=steps, batch_size=8, eval_every=10)
        out[m] = {
            "task": "net-charge (synthetic)",
            "seconds": round(time.perf_counter() - t, 2),
            "runs": [_run_summary(r) for r in res],
        }
    return out


def _run_summary(r) -> dict:
    times = sorted(s.seconds_per_step for s in r.steps[2:]) or [0.0]
    return {
        "run": r.run,
        "mode": r.method,
        "trainable": r.trainable,
        "total": r.total,
        "final_train_loss": r.final.train_loss if r.final else None,
        "val_accuracy": r.final.val_metric if r.final else None,
        "median_step_seconds": times[len(times) // 2],
        "peak_mem_bytes": r.final.peak_mem_bytes if r.final else None,
        "provenance": r.provenance,
    }


def section_memory() -> list[dict]:
    from lora_demo import LoraSettings, estimate, measure_gpu

    rows = []
    for m in ("esm2_t6_8M", "esm2_t12_35M", "esm2_t30_150M"):
        for mode in ("full", "lora"):
            for batch, seq in ((8, 128), (32, 512)):
                s = LoraSettings(model=m, r=8, alpha=16, targets=("query", "value"))
                est = estimate(m, mode, "float32", batch, seq, settings=s, attention="sdpa")
                measured = measure_gpu(s, mode, batch, seq)
                rows.append({
                    "model": m, "mode": mode, "batch": batch, "seq_len": seq,
                    "estimated_bytes": est.total, "measured_max_allocated": measured,
                    "ratio_measured_over_estimate": round(measured / max(est.total, 1), 3),
                    "estimate": est.to_dict(),
                })  # fmt: skip
    return rows


def section_real_task(task_dir: Path, pretrained: Path | None, steps: int) -> dict:
    """Localisation (real proteins): LoRA / full / head from random and pretrained 8M weights."""
    from lora_demo import LoraSettings, RunSpec, run_comparison
    from lora_demo.real_tasks import _read_rows, majority_baseline
    from lora_demo.tasks import ProteinTask

    classes = json.loads((task_dir / "localization_card.json").read_text())["classes"]
    train = _read_rows(task_dir / "localization_gpu_train.tsv.gz", classes)
    val = _read_rows(task_dir / "localization_gpu_val.tsv.gz", classes)
    # cap lengths so one step stays short; the same proteins for every run
    train = tuple((s[:510], y) for s, y in train)
    val = tuple((s[:510], y) for s, y in val)
    task = ProteinTask("localization", "seq", len(classes), train, val, "real, gpu subset")
    _top, baseline = majority_baseline(task)
    out = {"classes": classes, "train": len(train), "val": len(val), "steps": steps,
           "majority_baseline_accuracy": baseline, "sources": {}}  # fmt: skip
    sources = [("random", "random")] + (
        [("project-pretrained", str(pretrained))] if pretrained else []
    )
    for label, src in sources:
        lora = LoraSettings(model="esm2_t6_8M", r=8, alpha=16, targets=("query", "value"),
                            device=DEVICE, source=src)  # fmt: skip
        base = LoraSettings(model="esm2_t6_8M", device=DEVICE, source=src)
        runs = [RunSpec("LoRA q,v r=8", "lora", lora), RunSpec("full", "full", base),
                RunSpec("head only", "head", base)]  # fmt: skip
        t = time.perf_counter()
        res = run_comparison(task, runs, steps=steps, batch_size=32, eval_every=steps)
        out["sources"][label] = {"seconds": round(time.perf_counter() - t, 1),
                                 "runs": [_run_summary(r) for r in res]}  # fmt: skip
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--deadline", type=float, default=150.0, help="seconds; later sections skip")
    ap.add_argument("--task-dir", default=None)
    ap.add_argument("--pretrained", default=None)
    ap.add_argument("--real-steps", type=int, default=300)
    ap.add_argument("--dry-run-cpu", action="store_true", help="test the script on a CPU")
    ap.add_argument("--only", default="", help="comma-separated section names")
    ap.add_argument("--comparison-steps", type=int, default=30)
    a = ap.parse_args()
    global DEVICE
    if a.dry_run_cpu:
        DEVICE = "cpu"
    result: dict = {"machine": machine(), "sections": {}, "errors": {}, "skipped_sections": []}
    if not torch.cuda.is_available() and not a.dry_run_cpu:
        result.update(skipped=True, reason="no CUDA GPU on this machine; nothing measured")
        Path(a.out).write_text(json.dumps(result, indent=1))
        print("bench_gpu: no CUDA GPU, skipped")
        return 0
    result["device"] = DEVICE
    torch.backends.cuda.matmul.allow_tf32 = False  # fp32 numbers stay fp32 (merge tolerances)
    sections = [
        ("counts", section_counts),
        ("merge", section_merge),
        ("comparison_30_steps", lambda: section_comparison(a.comparison_steps)),
        ("memory", section_memory),
    ]
    if DEVICE != "cuda":
        sections = [x for x in sections if x[0] != "memory"]  # measuring needs CUDA
    if a.only:
        sections = [x for x in sections if x[0] in a.only.split(",")]
    if a.task_dir and (Path(a.task_dir) / "localization_gpu_train.tsv.gz").is_file():
        pre = Path(a.pretrained) if a.pretrained and Path(a.pretrained).is_dir() else None
        sections.append(
            ("real_localization", lambda: section_real_task(Path(a.task_dir), pre, a.real_steps))
        )
    for name, fn in sections:
        if time.perf_counter() - T0 > a.deadline:
            result["skipped_sections"].append(name)
            continue
        t = time.perf_counter()
        try:
            result["sections"][name] = fn()
        except Exception as exc:  # record and go on: one broken section must not lose the rest
            result["errors"][name] = (
                f"{type(exc).__name__}: {exc}\n{traceback.format_exc()[-2000:]}"
            )
        result.setdefault("section_seconds", {})[name] = round(time.perf_counter() - t, 2)
        print(f"bench_gpu: {name} {time.perf_counter() - t:.1f} s", flush=True)
        Path(a.out).write_text(json.dumps(result, indent=1, default=str))  # partial results too
    result["seconds"] = round(time.perf_counter() - T0, 1)
    Path(a.out).write_text(json.dumps(result, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
