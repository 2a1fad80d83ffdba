"""The server's heap settling: libraries frozen out of GC scans, freed memory handed back."""

from __future__ import annotations

import gc
import sys
import threading

import pytest

from ui import heap


def test_settle_heap_imports_the_libraries_and_freezes_them() -> None:
    heap.settle_heap(wait=True)
    heap.settle_heap(wait=True)  # idempotent: a second page run does not start another thread
    assert all(name in sys.modules for name in ("torch", "transformers", "peft", "jieba"))
    assert heap.frozen_objects() > 100_000
    started = [t for t in threading.enumerate() if t.name == "settle-heap"]
    assert len(started) == 1


def test_new_garbage_is_still_collected_after_the_freeze() -> None:
    heap.settle_heap(wait=True)

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle only the collector can free
    del a, b
    assert gc.collect() >= 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc malloc_trim")
def test_release_free_memory_trims_on_glibc() -> None:
    assert heap.release_free_memory() is True
