"""Several Lab sessions at once in one process: each sees only its own adapter; the base is shared.

Threads stand in for Streamlit sessions (Streamlit runs each session's script in its own thread).
Each builds its PEFT model with its own rank, trains a step and merges; afterwards every model
still has its own rank and the shared, cached base model's weights are bit-for-bit unchanged.
"""

from __future__ import annotations

import threading

import torch

from lora_demo import LoraSettings, RunSpec, cached_base, make_task, peft_model, train
from tests.support.browser import READY_TIMEOUT_S
from tests.support.lora import fingerprint

RANKS = (1, 2, 4, 8)


def test_parallel_sessions_keep_their_own_adapters_and_the_base_unchanged() -> None:
    base = cached_base("esm2_t6_8M", "seq", 2).model
    before = fingerprint(base)
    task = make_task("net-charge", n=16, min_len=10, max_len=16, seed=5)
    barrier = threading.Barrier(len(RANKS))
    seen: dict[int, tuple[int, int]] = {}
    errors: list[BaseException] = []

    def session(r: int) -> None:
        try:
            settings = LoraSettings(r=r, alpha=2 * r, targets=("query", "value"))
            model, _ = peft_model(settings)
            barrier.wait(timeout=READY_TIMEOUT_S)  # all sessions hold their model at once
            train(task, RunSpec(f"r{r}", "lora", settings), steps=1, batch_size=4)
            with torch.no_grad():
                for module in model.modules():
                    if hasattr(module, "lora_B"):
                        module.lora_B["default"].weight.normal_()  # a trained-looking adapter
            lora_a = next(m for m in model.modules() if hasattr(m, "lora_A")).lora_A["default"]
            merged = model.merge_and_unload()
            seen[r] = (lora_a.weight.shape[0], sum(p.numel() for p in merged.parameters()))
        except BaseException as exc:  # reported below, in the test thread
            errors.append(exc)

    threads = [threading.Thread(target=session, args=(r,)) for r in RANKS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * READY_TIMEOUT_S)  # a ceiling for a loaded machine
    assert not any(thread.is_alive() for thread in threads), "a session hung"
    assert not errors, errors
    assert {r: shape for r, (shape, _) in seen.items()} == {r: r for r in RANKS}
    assert len({total for _, total in seen.values()}) == 1  # merged models: base-sized again
    assert fingerprint(base) == before, "a session changed the shared base model"
    assert not any(p.requires_grad for p in base.parameters())
