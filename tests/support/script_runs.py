"""Counts the script runs the server finished for one browser tab, read from its websocket frames.

The app root's `data-test-script-state` attribute cannot tell that a rerun happened: when the
"started" and "finished" messages of a fast rerun reach the page together (a starved browser),
React renders only the last state and the attribute never flips. The server's `script_finished`
message is exact. Whole runs and fragment runs count (a widget inside a fragment reruns only the
fragment; a live view's timed poll is a fragment run too); a run cut short by the next one does not.
Used by the browser tests (tests/support/browser.py) and the load benchmarks (bench/load_test.py),
with Playwright's sync or async API alike.
"""

from __future__ import annotations

from typing import Any

from google.protobuf.message import DecodeError
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


class ScriptRuns:
    """`finished`: the runs the server has reported finished to `page` since this was made."""

    EARLY = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN

    def __init__(self, page: Any) -> None:
        self.finished = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: str | bytes) -> None:
        if isinstance(payload, str):
            return
        msg = ForwardMsg()
        try:
            msg.ParseFromString(payload)
        except DecodeError:
            return
        if msg.WhichOneof("type") == "script_finished" and msg.script_finished != self.EARLY:
            self.finished += 1
