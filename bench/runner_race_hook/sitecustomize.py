"""Load-run hook: log when a session's script runner is replaced while its events may be queued.

Only active when ``LORA_LAB_RUNNER_RACE_LOG`` is set (bench/group_load.py puts this folder on
PYTHONPATH of the server it starts). One line per occurrence, appended to that file:

- ``replaced``: a rerun request found the session's runner stopped but its SHUTDOWN not yet
  handled by the event loop, so a new runner was started (the race of issue 16);
- ``kept <event>``: an event of such a runner handled in order by ui/runner_handoff.py;
- ``ignored <event>``: an event Streamlit ignored because its runner was no longer the session's
  (what the race cost before ui/runner_handoff.py; after it, only runners stopped on request).
"""

from __future__ import annotations

import os
import threading
import time

_LOG = os.environ.get("LORA_LAB_RUNNER_RACE_LOG")

if _LOG:
    from streamlit.runtime import app_session

    from ui.runner_handoff import finished_on_its_own

    _lock = threading.Lock()

    def _write(line: str) -> None:
        with _lock, open(_LOG, "a", encoding="utf-8") as out:
            out.write(f"{time.time():.3f} {line}\n")

    _create = app_session.AppSession._create_scriptrunner
    _handle = app_session.AppSession._handle_scriptrunner_event_on_event_loop

    def _create_logged(self, initial_rerun_data):  # type: ignore[no-untyped-def]
        if self._scriptrunner is not None:
            _write(f"replaced {self.id[:8]}")
        return _create(self, initial_rerun_data)

    def _handle_logged(self, sender, event, *args, **kwargs):  # type: ignore[no-untyped-def]
        if sender is not None and sender is not self._scriptrunner:
            _write(f"ignored {event.name} {self.id[:8]}")
        elif sender is not None and finished_on_its_own(sender):
            _write(f"kept {event.name} {self.id[:8]}")
        return _handle(self, sender, event, *args, **kwargs)

    app_session.AppSession._create_scriptrunner = _create_logged
    app_session.AppSession._handle_scriptrunner_event_on_event_loop = _handle_logged
