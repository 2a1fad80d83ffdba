"""At most a few live-view polls of this server process draw at the same time.

Every learner's live fragment reruns every few seconds in that learner's own script thread, and the
messages it draws are sent by the one event-loop thread, one message per loop tick. In a stalled
30-learner load run (issue 16) every learner page kept sending polls but received nothing for 97 s,
while a thread dump showed the learners' script threads all busy in fragment runs. The likely cause:
with ~30 runnable threads taking turns on the GIL, the event loop gets too few turns to deliver what
they queue. A thread waiting on this semaphore sleeps without asking for the GIL, so the loop keeps
its turns. Not proven: see bench/LOAD_RESULTS.md (issue 16, 02:05-03:10 UTC) for the runs with it.
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
