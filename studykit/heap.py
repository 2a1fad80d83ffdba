"""Keep Streamlit's after-run garbage collection cheap when many learners share one server.

Streamlit runs a full `gc.collect()` after every script run (`runner.postScriptGC`). With torch,
transformers, peft, plotly and the question bank loaded the heap holds ~0.5 M tracked objects, so
each collection held the GIL for ~0.2 s: with 30 learners clicking, that was most of the server's
time and the web server itself stalled for seconds (bench/LOAD_RESULTS.md). The libraries and the
bank live as long as the process, so they are imported once and moved to the permanent generation
(`gc.freeze()`); collections then scan only what sessions create, and still free it.
"""

from __future__ import annotations

import gc
import importlib
import threading

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

_lock = threading.Lock()
_started = False
_done = threading.Event()


def _import_and_freeze() -> None:
    try:
        for name in HEAVY_MODULES:
            try:
                importlib.import_module(name)
            except Exception:  # a missing optional library must not stop the app
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


def settle_heap(wait: bool = False) -> None:
    """Import the long-lived libraries once per process and freeze them out of the GC's scans.

    Runs in a background thread so the first page is not held up; `wait=True` blocks until done.
    Idempotent: later calls only (optionally) wait.
    """
    global _started
    with _lock:
        if not _started:
            _started = True
            threading.Thread(target=_import_and_freeze, name="settle-heap", daemon=True).start()
    if wait:
        _done.wait()


def frozen_objects() -> int:
    """How many objects the collector no longer scans (0 before `settle_heap` finished)."""
    return gc.get_freeze_count()
