"""The room tables: their own MetaData on the progress store's engine, created on first use.

Kept apart from `studykit.store.metadata` so the store's schema checks and migrations stay as they
are; the same `UTCDateTime` type keeps timestamps tz-aware on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from studykit.store import UTCDateTime, create_tables

room_metadata = MetaData()

rooms_table = Table(
    "group_rooms",
    room_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(16), nullable=False, unique=True),
    Column("token_hash", String(64), nullable=False),  # sha256 of the presenter token
    Column("question_ids", Text, nullable=False),  # JSON list, the presenter's pick in order
    Column("current", Integer, nullable=False, default=-1),  # open question index, -1: none yet
    Column("revealed", Boolean, nullable=False, default=False),
    Column("opened_at", UTCDateTime),
    Column("deadline", UTCDateTime),  # the open question's timer, None: no timer
    Column("version", Integer, nullable=False, default=0),  # bumped on every presenter action
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

members_table = Table(
    "group_members",
    room_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("room_id", Integer, ForeignKey("group_rooms.id"), nullable=False, index=True),
    Column("token", String(64), nullable=False, unique=True),  # the learner's key, in their URL
    Column("name", String(40), nullable=False),
    Column("profile_id", Integer),  # the learner's progress profile, when they chose one
    Column("joined_at", UTCDateTime, nullable=False),
    UniqueConstraint("room_id", "name", name="uq_member_name"),
)

answers_table = Table(
    "group_answers",
    room_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("room_id", Integer, ForeignKey("group_rooms.id"), nullable=False),
    Column("member_id", Integer, ForeignKey("group_members.id"), nullable=False),
    Column("question_index", Integer, nullable=False),
    Column("question_id", String(120), nullable=False),
    Column("answer", Text, nullable=False),  # "" when skipped
    Column("skipped", Boolean, nullable=False),
    Column("coverage", Float),
    Column("statuses", Text, nullable=False),  # JSON list: covered/partial/missed/contradicted
    Column("misconception", Text),  # JSON {"zh": ..., "en": ...} of the first one stated
    Column("proposed", Integer),
    Column("submitted_at", UTCDateTime, nullable=False),
    # One answer per learner and question: a double submit keeps the first.
    UniqueConstraint("room_id", "member_id", "question_index", name="uq_answer_once"),
)


def ensure_room_schema(engine: Engine) -> None:
    """Create the room tables if missing (shared with other processes: see `create_tables`)."""
    create_tables(room_metadata, engine)
