"""Keep the messages of a script run that finished just before the session's next run started.

Streamlit 1.64's AppSession starts a new ScriptRunner when a rerun request finds the previous one
stopped because its thread had run out of requests, and from then on it ignores every event of
the previous runner ("Ignoring event from non-current ScriptRunner"). Those events are handed to
the event loop with `call_soon_threadsafe`, so when the loop is busy some of them, often all of
them, are still queued at that moment: the run's deltas, its `script_finished`, and after a full
run the fragments' auto-rerun timers (the browser drops its timers when a full run's
`new_session` arrives and only the run's `auto_rerun` messages set them again). The browser then
never gets that run, and a full run cut after its `new_session` leaves the page with no timer.

With study-group rooms every learner's live view reruns every 2 s, each poll in a new runner
(the previous one has finished), so a poll that arrives while the loop is behind drops the
previous run: in a 14-learner run with 0.5 s polls (bench/LOAD_RESULTS.md, issue 16) 17 of
1,928 runs were dropped this way, some of them whole. A runner that stopped on its own has queued
every event of its last run before the new runner exists, and sends nothing after them but its
SHUTDOWN, so handling them in order gives the browser exactly what it would have got without the
race. A runner stopped on request (a full rerun replacing a run in progress, or the session
closing) is still ignored, as Streamlit intends: it may still be drawing.
"""

from __future__ import annotations

from typing import Any

from streamlit.runtime.app_session import AppSession
from streamlit.runtime.scriptrunner import ScriptRunner, ScriptRunnerEvent

_STOP_REQUESTED = "_lora_lab_stop_requested"  # set on a runner someone asked to stop
_FINISHED = "_lora_lab_finished_on_its_own"  # set on a runner replaced after its last run
_INSTALLED = "_lora_lab_runner_handoff"


def finished_on_its_own(runner: object) -> bool:
    """Whether `runner` was replaced after its last run ended (its queued events are kept)."""
    return bool(getattr(runner, _FINISHED, False))


def install() -> None:
    """Patch AppSession and ScriptRunner once per process (idempotent)."""
    if getattr(AppSession, _INSTALLED, False):
        return
    request_stop = ScriptRunner.request_stop
    create_scriptrunner = AppSession._create_scriptrunner
    handle_event = AppSession._handle_scriptrunner_event_on_event_loop

    def request_stop_marked(self: ScriptRunner) -> None:
        setattr(self, _STOP_REQUESTED, True)
        request_stop(self)

    def create_scriptrunner_keeping(self: AppSession, initial_rerun_data: Any) -> None:
        # Reached with a runner still set only when that runner refused the rerun, i.e. it has
        # stopped; unless someone asked it to stop, it stopped because its last run was done.
        previous = self._scriptrunner
        if previous is not None and not getattr(previous, _STOP_REQUESTED, False):
            setattr(previous, _FINISHED, True)
        create_scriptrunner(self, initial_rerun_data)

    def handle_event_in_order(
        self: AppSession, sender: Any, event: Any, *args: Any, **kwargs: Any
    ) -> None:
        current = self._scriptrunner
        if sender is None or sender is current or not finished_on_its_own(sender):
            handle_event(self, sender, event, *args, **kwargs)
            return
        if event == ScriptRunnerEvent.SHUTDOWN:
            return  # the session's runner is the new one: nothing of the old one to tear down
        # Handled as the current runner's: all its events are queued ahead of the new runner's.
        self._scriptrunner = sender
        try:
            handle_event(self, sender, event, *args, **kwargs)
        finally:
            self._scriptrunner = current

    ScriptRunner.request_stop = request_stop_marked  # type: ignore[method-assign]
    AppSession._create_scriptrunner = create_scriptrunner_keeping  # type: ignore[method-assign]
    AppSession._handle_scriptrunner_event_on_event_loop = handle_event_in_order  # type: ignore[method-assign]
    setattr(AppSession, _INSTALLED, True)
