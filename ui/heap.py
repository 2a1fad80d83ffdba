"""Keep Streamlit's after-run garbage collection cheap when many learners share one server.

Python's collector scans every tracked object, and Streamlit by default runs a full `gc.collect()`
after every script run (`runner.postScriptGC`, turned off in .streamlit/config.toml for the same
reason). With torch, transformers, peft, plotly and the question bank loaded the heap holds ~0.5 M
tracked objects, so each collection held the GIL for ~0.2 s: with 30 learners clicking, that was
most of the server's time and the web server itself stalled for seconds (bench/LOAD_RESULTS.md). The
libraries and the bank live as long as the process, so they are imported once and moved to the
permanent generation (`gc.freeze()`); collections then scan only what sessions create, and still
free it. The bank is loaded by the same thread before the freeze (`keep`): loaded later, its ~50 k
objects were scanned after every run, and 30 learners' live views (one run per poll) starved the web
server (issue 16).

Closed tabs' sessions are dropped by Streamlit later (`server.disconnectedSessionTTL`) with no
script run after them, and glibc keeps freed heap pages mapped. A daemon thread therefore collects
and hands free heap back to the system (`malloc_trim`) every minute, so a server's memory returns
to its resting level after a class leaves instead of staying at the peak.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import importlib
import threading
import time
from collections.abc import Callable, Iterable

# Long-lived for the whole process: what the pages import sooner or later.
HEAVY_MODULES = (
    "torch",
    "transformers",
    "peft",
    "pandas",
    "plotly.express",
    "plotly.graph_objects",
    "jieba",
    "lora_demo",
    "studykit.search",
)

TRIM_EVERY_S = 60.0

_lock = threading.Lock()
_started = False
_done = threading.Event()


def _import_and_freeze(keep: tuple[Callable[[], object], ...]) -> None:
    try:
        for name in HEAVY_MODULES:
            try:
                importlib.import_module(name)
            except Exception:  # a missing optional library must not stop the app
                continue
        for load in keep:
            try:
                load()
            except Exception:  # e.g. a broken bank: the page loads it again and says what is wrong
                continue
        try:
            import jieba

            jieba.initialize()  # its dictionary is process-wide and large
        except Exception:
            pass
        gc.collect()
        gc.freeze()
    finally:
        _done.set()
    while True:
        time.sleep(TRIM_EVERY_S)
        release_free_memory()


def _libc_trim():
    """glibc's `malloc_trim`, or None on other C libraries (musl, macOS, Windows)."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None


_trim = _libc_trim()


def release_free_memory() -> bool:
    """Collect cyclic garbage, then return free heap pages to the system; True if trimmed."""
    gc.collect()
    if _trim is None:
        return False
    _trim(0)
    return True


def settle_heap(wait: bool = False, keep: Iterable[Callable[[], object]] = ()) -> None:
    """Import the long-lived libraries once per process and freeze them out of the GC's scans.

    `keep`: loaders of other objects that live as long as the process (the cached question bank);
    they run after the imports and before the freeze, so the collector never scans what they load.
    Runs in a background thread so the first page is not held up (`wait=True` blocks until the
    freeze is done); the same thread then calls `release_free_memory` every TRIM_EVERY_S.
    Idempotent: later calls only (optionally) wait; their `keep` is not run again.
    """
    global _started
    with _lock:
        if not _started:
            _started = True
            threading.Thread(
                target=_import_and_freeze, args=(tuple(keep),), name="settle-heap", daemon=True
            ).start()
    if wait:
        _done.wait()


def frozen_objects() -> int:
    """How many objects the collector no longer scans (0 before `settle_heap` finished)."""
    return gc.get_freeze_count()
