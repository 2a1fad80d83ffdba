"""How many wrong passphrases a learner, and a browser session, may give before having to wait.

After `FREE_ATTEMPTS` wrong passphrases in a row, further attempts are refused, without checking
them, for a delay that doubles with every further wrong one (30 s, 1 min, 2 min, ... at most
15 min). A correct passphrase starts the learner's count again. Refused attempts are not counted,
so the owner gets in once the wait is over, and they cost no argon2 work.

Per learner the count is a row of the progress database (table ``passphrase_attempts``), shared
by every server process on that database; a read-only or unreachable database falls back to a
count in this process's memory. Per browser session the caller keeps an `AttemptRecord` itself.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Column, Engine, Integer, MetaData, Table, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.exc import SQLAlchemyError

from studykit.store import UTCDateTime, create_tables

FREE_ATTEMPTS = 5
FIRST_DELAY_S = 30.0
MAX_DELAY_S = 15 * 60.0

attempts_metadata = MetaData()
attempts_table = Table(
    "passphrase_attempts",
    attempts_metadata,
    Column("profile_id", Integer, primary_key=True, autoincrement=False),
    Column("failures", Integer, nullable=False, default=0),  # wrong passphrases in a row
    Column("locked_until", UTCDateTime),  # no attempt is checked before this
)


@dataclass(frozen=True)
class AttemptRecord:
    """Wrong passphrases in a row, and until when further attempts are refused."""

    failures: int = 0
    locked_until: datetime | None = None


def lock_delay_s(failures: int) -> float:
    """The wait after `failures` wrong passphrases in a row (0 below `FREE_ATTEMPTS`)."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(FIRST_DELAY_S * 2 ** min(failures - FREE_ATTEMPTS, 30), MAX_DELAY_S)


def wait_left_s(record: AttemptRecord, now: datetime) -> float:
    """Seconds before another attempt is checked (0: it may be checked now)."""
    if record.locked_until is None:
        return 0.0
    return max(0.0, (record.locked_until - now).total_seconds())


def after_failure(record: AttemptRecord, now: datetime) -> AttemptRecord:
    """The record after one more wrong passphrase at `now`."""
    failures = record.failures + 1
    delay = lock_delay_s(failures)
    return AttemptRecord(failures, now + timedelta(seconds=delay) if delay else None)


class MemoryAttempts:
    """Per-learner counts in this process only (a read-only or unreachable database)."""

    def __init__(self) -> None:
        self._records: dict[int, AttemptRecord] = {}
        self._lock = threading.Lock()

    def record(self, profile_id: int) -> AttemptRecord:
        with self._lock:
            return self._records.get(profile_id, AttemptRecord())

    def failed(self, profile_id: int, now: datetime) -> AttemptRecord:
        with self._lock:
            record = after_failure(self._records.get(profile_id, AttemptRecord()), now)
            self._records[profile_id] = record
            return record

    def succeeded(self, profile_id: int) -> None:
        with self._lock:
            self._records.pop(profile_id, None)


class DatabaseAttempts:
    """Per-learner counts in the progress database, shared by every server process on it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        create_tables(attempts_metadata, engine)

    def record(self, profile_id: int) -> AttemptRecord:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(attempts_table.c.failures, attempts_table.c.locked_until).where(
                    attempts_table.c.profile_id == profile_id
                )
            ).first()
        return AttemptRecord(row.failures, row.locked_until) if row else AttemptRecord()

    def failed(self, profile_id: int, now: datetime) -> AttemptRecord:
        """Count one wrong passphrase; atomic, so that two processes never lose a count."""
        table = attempts_table
        with self.engine.begin() as conn:
            conn.execute(
                _insert(self.engine)(table)
                .values(profile_id=profile_id, failures=0, locked_until=None)
                .on_conflict_do_nothing(index_elements=["profile_id"])
            )
            # The increment locks the row (PostgreSQL) or the database (SQLite) until commit.
            conn.execute(
                update(table)
                .where(table.c.profile_id == profile_id)
                .values(failures=table.c.failures + 1)
            )
            failures = conn.execute(
                select(table.c.failures).where(table.c.profile_id == profile_id)
            ).scalar_one()
            record = after_failure(AttemptRecord(failures - 1), now)
            conn.execute(
                update(table)
                .where(table.c.profile_id == profile_id)
                .values(locked_until=record.locked_until)
            )
        return record

    def succeeded(self, profile_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(attempts_table.delete().where(attempts_table.c.profile_id == profile_id))


class LearnerAttempts:
    """The per-learner counts: in the database while it takes writes, else in this process."""

    def __init__(self, engine: Engine, writable: bool) -> None:
        self._memory = MemoryAttempts()
        self._database: DatabaseAttempts | None = None
        if writable:
            try:
                self._database = DatabaseAttempts(engine)
            except SQLAlchemyError:
                self._database = None

    @property
    def shared(self) -> bool:
        """True when the counts are in the database (shared by every server process)."""
        return self._database is not None

    def record(self, profile_id: int) -> AttemptRecord:
        if self._database is not None:
            try:
                database = self._database.record(profile_id)
            except SQLAlchemyError:
                database = AttemptRecord()
            memory = self._memory.record(profile_id)
            return database if _wait_until(database) >= _wait_until(memory) else memory
        return self._memory.record(profile_id)

    def failed(self, profile_id: int, now: datetime | None = None) -> AttemptRecord:
        now = now or datetime.now(UTC)
        if self._database is not None:
            try:
                return self._database.failed(profile_id, now)
            except SQLAlchemyError:
                pass  # the database went away: count here rather than not at all
        return self._memory.failed(profile_id, now)

    def succeeded(self, profile_id: int) -> None:
        self._memory.succeeded(profile_id)
        if self._database is not None:
            with contextlib.suppress(SQLAlchemyError):  # the wait ends on its own anyway
                self._database.succeeded(profile_id)


def _wait_until(record: AttemptRecord) -> datetime:
    return record.locked_until or datetime.min.replace(tzinfo=UTC)


def _insert(engine: Engine) -> Any:
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite_dialect.insert
