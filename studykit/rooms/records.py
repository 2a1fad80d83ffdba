"""What a room is made of: its limits, the room and member records, and the refusals (`RoomError`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from studykit.rooms.tally import AnswerRecord

ROOM_TTL = timedelta(hours=4)
MAX_QUESTIONS = 50
MAX_MEMBERS = 200
MAX_NAME = 40
MAX_ANSWER = 4000  # characters: bounds grading work and storage per answer
TIMER_GRACE = timedelta(seconds=3)  # a submit sent as the timer ends still counts
EXAMPLES = 3


class RoomError(Exception):
    """Something a person did that the room refuses. `reason` is a stable key for the UI."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RoomState:
    """The room as every view polls it (one row)."""

    id: int
    code: str
    question_ids: tuple[str, ...]
    current: int  # open question index, -1 before the first
    revealed: bool
    deadline: datetime | None
    version: int
    expires_at: datetime

    @property
    def current_question_id(self) -> str | None:
        return (
            self.question_ids[self.current] if 0 <= self.current < len(self.question_ids) else None
        )


@dataclass(frozen=True)
class Member:
    """A learner in a room: row id, the room, the private key in their URL, name, linked profile."""

    id: int
    room_id: int
    token: str
    name: str
    profile_id: int | None


def clean_name(raw: str) -> str:
    """A display name with its whitespace folded; refused (bad_name) when empty, long or odd."""
    name = " ".join((raw or "").split())  # also folds newlines and tabs into one space
    if not name or len(name) > MAX_NAME or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise RoomError("bad_name")
    return name


def room_state(row: Any) -> RoomState:
    """The rooms-table row as a `RoomState`."""
    return RoomState(
        id=row.id,
        code=row.code,
        question_ids=tuple(json.loads(row.question_ids)),
        current=row.current,
        revealed=bool(row.revealed),
        deadline=row.deadline,
        version=row.version,
        expires_at=row.expires_at,
    )


def json_or_none(value: str | None) -> dict[str, str] | None:
    """A stored JSON object, or None for an empty column."""
    return json.loads(value) if value else None


def answer_record(row: Any) -> AnswerRecord:
    """An answers-table row (joined with the member's name) as an `AnswerRecord`."""
    return AnswerRecord(
        question_index=row.question_index,
        question_id=row.question_id,
        member_name=row.member_name,
        answer=row.answer,
        skipped=bool(row.skipped),
        coverage=row.coverage,
        statuses=tuple(json.loads(row.statuses)),
        misconception=json_or_none(row.misconception),
        proposed=row.proposed,
    )
