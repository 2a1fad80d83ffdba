"""Study-group rooms: pure room logic (no streamlit), stored next to the progress tables.

`service.RoomService` is the entry point: create a room, join it, open questions, take answers,
reveal, and read live tallies and the end-of-session summary. `records` holds the room's limits,
records and refusals, `tally` aggregates graded answers, `export` writes the summary CSV,
`tables` holds the room tables.
"""

from studykit.rooms.records import Member, RoomError, RoomState
from studykit.rooms.service import RoomService

__all__ = ["Member", "RoomError", "RoomService", "RoomState"]
