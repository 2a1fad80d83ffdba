"""The progress database's tables (profiles, profile settings, review log, write counters)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always a tz-aware UTC `datetime` in Python, on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: progress timestamps must be UTC-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()
profiles_table = Table(
    "profiles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(80), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
)
# A learner's own settings (desired retention, passphrase hash), one row per key.
profile_settings_table = Table(
    "profile_settings",
    metadata,
    Column("profile_id", Integer, ForeignKey("profiles.id"), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("value", String(400), nullable=False),
)
review_log = Table(
    "review_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("profile_id", Integer, ForeignKey("profiles.id"), nullable=False, index=True),
    Column("question_id", String(120), nullable=False),
    Column("card_key", String(140), nullable=False),
    Column("reviewed_at", UTCDateTime, nullable=False),
    Column("rating", Integer, nullable=False),
    Column("duration_ms", Integer),
    Column("proposed_rating", Integer),
    Column("chosen_rating", Integer, nullable=False),
    Column("mode", String(16), nullable=False),  # a study mode: studykit.study_modes
    Column("coverage", Float),
    Column("missed_points", String(400)),  # JSON list of missed key-point indices (typed answers)
    UniqueConstraint("profile_id", "card_key", "reviewed_at", "mode", name="uq_review_once"),
    sqlite_autoincrement=True,  # new files never reuse a deleted row's id
)
# One counter per profile, bumped in the same transaction as every write or delete of its log:
# (count, max id) alone repeats after an undo plus a grade when SQLite reuses the deleted id.
log_writes = Table(
    "log_writes",
    metadata,
    Column("profile_id", Integer, ForeignKey("profiles.id"), primary_key=True),
    Column("writes", Integer, nullable=False),
)
ALL_TABLES = (profiles_table, profile_settings_table, review_log, log_writes)
