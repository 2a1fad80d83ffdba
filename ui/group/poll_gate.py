"""At most a few live-view polls of this server process draw at the same time.

Every learner's live fragment reruns every few seconds in that learner's own script thread, and the
messages it draws are sent by the one event-loop thread. In the 30-learner load run (issue 16) the
stall came right after the reveal, when every poll got heavier at once: a thread dump showed all
learner script threads busy in fragment runs while no learner page had received a websocket frame for
97 s (the pages kept sending polls). With ~30 runnable threads taking turns on the GIL, the event
loop, which yields after each message it sends, got too few turns to deliver the queued messages,
and the polls kept coming. A thread waiting on this semaphore sleeps without asking for the GIL, so
the event loop keeps its turns and the polls are served a few at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

POLL_SLOTS = 2  # polls drawing at once; each takes a few milliseconds
_slots = threading.BoundedSemaphore(POLL_SLOTS)


@contextmanager
def poll_slot() -> Iterator[None]:
    """Hold one of the process's poll slots while drawing a live view."""
    with _slots:
        yield
