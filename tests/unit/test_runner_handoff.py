"""ui/runner_handoff.py: a run that finished just before the next one started still reaches the browser.

A real AppSession on a real event loop; its script runners are stand-ins that never run a script
(the session only starts them, asks them to rerun or stop, and hands their events to the loop),
so the race of issue 16 is played in a fixed order: the previous runner's events are still
queued when the next rerun request finds it stopped.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from unittest.mock import MagicMock

import pytest
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime import app_session
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.script_data import ScriptData
from streamlit.runtime.scriptrunner import ScriptRunner, ScriptRunnerEvent
from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequests

from ui.runner_handoff import install


class StandInRunner(ScriptRunner):
    """A ScriptRunner with real request bookkeeping and no script thread."""

    def __init__(self, **_: Any) -> None:
        self._requests = ScriptRequests()
        self.on_event = MagicMock()

    def start(self) -> None:
        """No thread: the test sends the runner's events itself."""

    def _wake_parallel_join_barrier_if_waiting(self) -> None:
        """No script thread to wake."""

    def finish_last_run(self) -> None:
        """What the script thread does when no request is left: stop."""
        self._requests.on_scriptrunner_ready()


def delta(text: str) -> ForwardMsg:
    msg = ForwardMsg()
    msg.delta.new_element.markdown.body = text
    msg.metadata.delta_path[:] = [0, 1]
    return msg


def fragment_poll() -> ClientState:
    """A fragment's auto-rerun request, as the browser sends it (the fragment must exist)."""
    state = ClientState()
    state.fragment_id = "live"
    state.is_auto_rerun = True
    return state


def queued_after_race(stop_first: bool) -> tuple[list[ForwardMsg], ScriptRunner, ScriptRunner]:
    """The previous runner's last run events are still on the loop when a poll replaces it."""

    async def play() -> tuple[list[ForwardMsg], ScriptRunner, ScriptRunner]:
        session = AppSession(ScriptData("/nowhere/app.py"), MagicMock(), MagicMock(), None, {})
        session._fragment_storage.register("live", lambda: None)
        previous = StandInRunner()
        session._scriptrunner = previous
        session._state = app_session.AppSessionState.APP_IS_RUNNING
        if stop_first:
            previous.request_stop()  # e.g. the session closing: what it still draws is stale
        else:
            previous.finish_last_run()
        # the previous runner's events, handed to the loop before the poll arrives
        for event, extra in (
            (ScriptRunnerEvent.ENQUEUE_FORWARD_MSG, {"forward_msg": delta("your answer is in")}),
            (ScriptRunnerEvent.FRAGMENT_STOPPED_WITH_SUCCESS, {}),
            (ScriptRunnerEvent.SHUTDOWN, {}),
        ):
            session._on_scriptrunner_event(previous, event, **extra)
        session._browser_queue.flush()  # the browser has what came before
        session.request_rerun(fragment_poll())  # handled before the queued events
        await asyncio.sleep(0.05)  # the loop works through the queued events
        sent = session._browser_queue.flush()
        current = session._scriptrunner
        session._scriptrunner = None
        session.shutdown()
        return sent, previous, current

    # a thread of its own: in the full suite the browser tests' sync Playwright leaves an event
    # loop running in the main thread, where asyncio.run() refuses to start
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, play()).result()


@pytest.fixture(autouse=True)
def stand_in_runners(monkeypatch: pytest.MonkeyPatch) -> None:
    install()
    monkeypatch.setattr(app_session, "ScriptRunner", StandInRunner)


def test_the_run_that_finished_before_the_next_request_is_still_sent() -> None:
    sent, previous, current = queued_after_race(stop_first=False)
    # the poll got a new runner, and the old one's SHUTDOWN (handled after) did not unset it
    assert isinstance(current, StandInRunner)
    assert current is not previous
    bodies = [m.delta.new_element.markdown.body for m in sent if m.HasField("delta")]
    assert bodies == ["your answer is in"]
    finished = [m.script_finished for m in sent if m.HasField("script_finished")]
    assert finished == [ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY]
    # and that the session is not running any more (the page's own "running" state)
    statuses = [
        m.session_status_changed.script_is_running
        for m in sent
        if m.HasField("session_status_changed")
    ]
    assert statuses == [False]


def test_a_runner_stopped_on_request_is_still_ignored() -> None:
    sent, _, _ = queued_after_race(stop_first=True)
    assert not [m for m in sent if m.HasField("delta") or m.HasField("script_finished")]


def test_install_twice_patches_once() -> None:
    handler = AppSession._handle_scriptrunner_event_on_event_loop
    install()
    assert AppSession._handle_scriptrunner_event_on_event_loop is handler
