"""Train a comparison in a child process and stream its steps back (for a server such as the Lab).

A training step is many small torch calls, each taking and giving back the GIL; run in a thread
of a web server, it competes for the GIL with the server's own Python threads (event loop, other
sessions' scripts) and its steps took 2-14x the library's time (bench/RESULTS.md). In its own
process it runs exactly as the library does. The child is forked from a forkserver that has
already imported torch, transformers and PEFT (once per server process), so a run starts in a
fraction of a second instead of re-importing them.

Life cycle: `stop()` ends the run after its current step; so does `alive()` turning false (the
caller's session went away) or the parent process dying (the child checks before every step). A
child that does not end within `STOP_GRACE_S` of being asked is terminated. Daemonic children are
also terminated by multiprocessing when the parent exits normally.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import pickle
import queue
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .tasks import ProteinTask
from .train import RunSpec, StepReport, train

RUNNING, DONE, STOPPED, FAILED = "running", "done", "stopped", "failed"
POLL_S = 0.5  # how often the reader checks `alive()` and the child while no step arrives
STOP_GRACE_S = 30.0  # one step of the largest live model, plus building it, fits in this

_CTX = mp.get_context("forkserver")
_CTX.set_forkserver_preload(["lora_demo.background"])  # torch & co. imported once, then forked


_START_LOCK = threading.Lock()


def _max_trainings() -> int:
    """Children training at once in this process: `LORA_LAB_MAX_TRAININGS`, else the cores (≥ 2).

    Every child is a whole model, its optimizer and torch's threads; without a cap, a class all
    pressing Train at once would start one each and the server would run out of memory."""
    try:
        return max(1, int(os.environ.get("LORA_LAB_MAX_TRAININGS", "")))
    except ValueError:
        return max(2, os.cpu_count() or 1)


MAX_TRAININGS = _max_trainings()
_SLOTS = threading.BoundedSemaphore(MAX_TRAININGS)


class TrainingBusy(RuntimeError):
    """Every training slot of this server process is taken; try again when one ends."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit

    def __str__(self) -> str:
        return f"{self.limit} training runs are already going on this server"


@contextlib.contextmanager
def _no_main_script() -> Iterator[None]:
    """Start children without the caller's main script.

    multiprocessing makes a child import the parent's ``__main__`` file first; in a Streamlit
    server that is the app script (Streamlit installs it as ``__main__``), which must not run in
    a training process. The child needs nothing from it: its target lives in this module.
    """
    with _START_LOCK:
        real = sys.modules.get("__main__")
        bare = types.ModuleType("__main__")
        sys.modules["__main__"] = bare
        try:
            yield
        finally:
            if sys.modules.get("__main__") is bare:  # a script run may have installed its own
                sys.modules["__main__"] = real  # type: ignore[assignment]


class TrainingProcessDied(RuntimeError):
    """The child ended without saying why (killed, e.g. by the kernel when memory ran out)."""

    def __init__(self, exitcode: int | None) -> None:
        super().__init__(exitcode)
        self.exitcode = exitcode

    def __str__(self) -> str:
        return f"the training process ended unexpectedly (exit code {self.exitcode})"


def _portable(exc: BaseException) -> BaseException:
    """`exc` if it can reach the parent, else a RuntimeError that names it.

    The queue pickles it here and the parent rebuilds it by calling what `__reduce_ex__` names
    (for an exception: its type with its args); an exception whose constructor needs other
    arguments would fail there, in the parent's reader, so that call is tried here instead."""
    try:
        pickle.dumps(exc)
        reduced = exc.__reduce_ex__(pickle.HIGHEST_PROTOCOL)
        if isinstance(reduced, tuple):  # a str would name a global: nothing to rebuild
            reduced[0](*reduced[1])
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def _child(
    task: ProteinTask,
    specs: Sequence[RunSpec],
    steps: int,
    batch_size: int,
    eval_every: int,
    stop: Any,  # multiprocessing Event
    out: Any,  # multiprocessing Queue
) -> None:
    parent = mp.parent_process()

    def should_stop() -> bool:
        return stop.is_set() or (parent is not None and not parent.is_alive())

    try:
        for spec in specs:
            result = train(
                task,
                spec,
                steps,
                batch_size,
                seed=0,
                eval_every=eval_every,
                on_step=lambda report: out.put(("step", report)),
                should_stop=should_stop,
            )
            out.put(("run", result.run))
            if result.stopped:
                out.put(("end", STOPPED, None))
                return
        out.put(("end", DONE, None))
    except Exception as exc:  # every failure is reported to the parent, shown there
        out.put(("end", FAILED, _portable(exc)))
    finally:
        out.close()
        if parent is not None and not parent.is_alive():
            out.cancel_join_thread()  # nobody reads the pipe any more: do not wait on it
        else:
            out.join_thread()  # every message is in the pipe before the process exits


class BackgroundTraining:
    """One comparison trained in a child process; `steps`, `runs`, `status`, `error` fill in."""

    def __init__(self) -> None:
        self.steps: list[StepReport] = []  # appended by the reader thread only
        self.runs: list[str] = []
        self.status = RUNNING
        self.error: BaseException | None = None
        self._stop = _CTX.Event()
        self._queue = _CTX.Queue()
        self._finished = threading.Event()
        self._process: Any = None

    @property
    def running(self) -> bool:
        return not self._finished.is_set()

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def start(
        self,
        task: ProteinTask,
        specs: Sequence[RunSpec],
        steps: int,
        batch_size: int,
        eval_every: int,
        alive: Callable[[], bool] = lambda: True,
    ) -> None:
        """Start the child and the thread that reads its messages; returns at once.

        Raises TrainingBusy (nothing started) when MAX_TRAININGS children are already training."""
        if not _SLOTS.acquire(blocking=False):
            raise TrainingBusy(MAX_TRAININGS)
        try:
            self._process = _CTX.Process(
                target=_child,
                args=(task, list(specs), steps, batch_size, eval_every, self._stop, self._queue),
                name="lora-demo-training",
                daemon=True,
            )
            with _no_main_script():
                self._process.start()
        except BaseException:
            _SLOTS.release()
            raise
        reader = threading.Thread(target=self._read, args=(alive,), name="lora-demo-training")
        reader.daemon = True
        reader.start()

    def stop(self) -> None:
        """Ask the child to stop after its current step."""
        self._stop.set()

    def wait(self, timeout: float | None) -> bool:
        """Wait up to `timeout` seconds for the run to end; True when it has."""
        return self._finished.wait(timeout)

    def _read(self, alive: Callable[[], bool]) -> None:
        asked_at: float | None = None  # seconds of silence since the child was asked to stop
        checked = time.monotonic()
        try:
            while True:
                try:
                    message = self._queue.get(timeout=POLL_S)
                    if time.monotonic() - checked >= POLL_S:  # steps may never leave a pause
                        checked = time.monotonic()
                        if not alive():
                            self._stop.set()
                except queue.Empty:
                    if not alive():
                        self._stop.set()
                    if self._stop.is_set():
                        asked_at = 0.0 if asked_at is None else asked_at + POLL_S
                        if asked_at > STOP_GRACE_S:  # stuck inside one step: end it
                            self._process.terminate()
                    if not self._process.is_alive():
                        message = self._last_words()
                        if message is None and self._stop.is_set():  # ended as asked
                            self._end(STOPPED, None)
                            return
                        if message is None:
                            self._end(FAILED, TrainingProcessDied(self._process.exitcode))
                            return
                    else:
                        continue
                if self._handle(message):
                    return
        finally:
            self._process.join(STOP_GRACE_S)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
            self._queue.close()
            _SLOTS.release()  # the child is gone: its slot is free
            if self.status == RUNNING:
                self.status = STOPPED
            self._finished.set()

    def _last_words(self) -> tuple | None:
        """A message still in the pipe from a child that has just exited, if any."""
        try:
            return self._queue.get(timeout=1.0)
        except queue.Empty:
            return None

    def _handle(self, message: tuple) -> bool:
        """Apply one message from the child; True when it was the last."""
        kind = message[0]
        if kind == "step":
            self.steps.append(message[1])
        elif kind == "run":
            self.runs.append(message[1])
        elif kind == "end":
            self._end(message[1], message[2])
            return True
        return False

    def _end(self, status: str, error: BaseException | None) -> None:
        self.error, self.status = error, status
