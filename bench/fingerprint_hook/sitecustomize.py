"""Load-test hook: on SIGUSR1 the app server writes its shared base model's weights fingerprint.

Only active when ``LORA_LAB_FINGERPRINT_FILE`` is set (bench/load_test.py puts this folder on
PYTHONPATH of the server it starts). The handler hashes the process's cached, shared base model
(the one every Lab session deep-copies) and appends one JSON line to that file.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import time
import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # torch is imported lazily: the hook must not slow down the server's start
    import torch

OUT = os.environ.get("LORA_LAB_FINGERPRINT_FILE", "")
KEY = ("esm2_t6_8M", "seq", 2, "random", 0, "float32", "cpu")  # what the Lab's 8M seq head uses


def fingerprint(module: torch.nn.Module) -> str:
    """SHA-256 over every parameter and buffer (name, dtype, shape, raw bytes)."""
    import torch

    digest = hashlib.sha256()
    for name, tensor in sorted(module.state_dict().items()):
        data = tensor.detach().cpu().contiguous()
        digest.update(f"{name}|{data.dtype}|{tuple(data.shape)}".encode())
        if data.numel():
            digest.update(data.view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


_last_types: dict[str, int] = {}


def _heap() -> dict:
    """One collection, then one pass over the heap: what a full collection costs now (Streamlit
    runs one after every script run), the PEFT models still alive (session copies; subclasses such
    as PeftModelForSequenceClassification included), and which object types grew most since the
    previous record (what a leak would look like)."""
    import gc
    from collections import Counter

    from peft import PeftModel

    start = time.perf_counter()
    gc.collect()
    elapsed = time.perf_counter() - start
    objects = gc.get_objects()
    types = Counter(type(obj).__name__ for obj in objects)
    with warnings.catch_warnings():  # isinstance() on lazy proxies may warn; irrelevant here
        warnings.simplefilter("ignore")
        peft_alive = sum(isinstance(obj, PeftModel) for obj in objects)
    grown = {n: c - _last_types.get(n, 0) for n, c in types.items() if c > _last_types.get(n, 0)}
    _last_types.clear()
    _last_types.update(types)
    return {
        "gc_ms": round(elapsed * 1000, 1),
        "tracked": sum(types.values()),
        "frozen": gc.get_freeze_count(),
        "peft_models_alive": peft_alive,
        "grown_most": dict(sorted(grown.items(), key=lambda kv: -kv[1])[:12]),
    }


def _dump(_signum: int, _frame: object) -> None:
    from lora_demo.loading import _cached_base
    from lora_demo.sources import resolve_weights

    model, head, labels, source, seed, dtype, device = KEY
    before = _cached_base.cache_info()
    loaded = _cached_base(
        model, head, labels, resolve_weights(model, source, seed), seed, dtype, device
    )
    after = _cached_base.cache_info()
    record = {
        "time": time.time(),
        "key": list(KEY),
        "was_cached": after.hits > before.hits,
        "sha256": fingerprint(loaded.model),
        "requires_grad": any(p.requires_grad for p in loaded.model.parameters()),
        "heap": (heap := _heap()),
        "peft_models_alive": heap["peft_models_alive"],  # session copies still held
    }
    with open(OUT, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")


if OUT:
    signal.signal(signal.SIGUSR1, _dump)
