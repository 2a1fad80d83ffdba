"""Opening a progress database defensively: create its tables, recover or fall back to read-only.

An unreadable or corrupted SQLite file is moved aside (``progress.sqlite3.corrupt-<UTC timestamp>``)
and a fresh one created; a location that cannot be written opens read-only (or empty, in memory)
and every write raises `ReadOnlyStoreError`.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from studykit.store.errors import database_error_line
from studykit.store.progress_store import ProgressStore
from studykit.store.records import StoreStatus
from studykit.store.tables import ALL_TABLES, metadata, review_log

BUSY_TIMEOUT_MS = 30_000


def open_store(url: str) -> ProgressStore:
    """Open (creating if needed) the store at `url`, recovering from a corrupt SQLite file."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        engine = _engine(url)
        try:
            _create_schema(engine)
        except SQLAlchemyError as exc:  # server down, wrong password, no privileges
            engine.dispose()
            where = parsed.render_as_string(hide_password=True)
            return _read_only(
                Path(), f"cannot use the database {where}: {database_error_line(exc)}"
            )
        return ProgressStore(engine)
    return _open_sqlite_file(Path(parsed.database))


def create_tables(tables: MetaData, engine: Engine, attempts: int = 3) -> None:
    """Create the missing tables of `tables`; retry when a concurrent process creates them at the
    same moment (a read-only store fails at once)."""
    for attempt in range(attempts):
        try:
            tables.create_all(engine)
            return
        except DBAPIError as exc:
            if attempt == attempts - 1 or _is_read_only_error(exc):
                raise


def _open_sqlite_file(path: Path) -> ProgressStore:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return _read_only(path, f"cannot create {path.parent}: {exc.strerror or exc}")
    with _startup_lock(path):  # check, move aside and create as one step across processes
        return _open_sqlite_locked(path)


def _open_sqlite_locked(path: Path) -> ProgressStore:
    moved_to: str | None = None
    problem = _sqlite_problem(path) if path.exists() else None
    if problem:
        try:
            moved_to = str(_move_aside(path))
        except OSError as exc:
            return _read_only(path, f"{path} is unreadable ({problem}) and cannot be moved: {exc}")
    engine = _engine(f"sqlite:///{path}")
    try:
        _create_schema(engine)
        _probe_write(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        if _is_read_only_error(exc):
            return _read_only(path, f"{path} cannot be written: {database_error_line(exc)}")
        if moved_to is None and path.exists() and _is_foreign_schema(exc):
            moved_to = str(_move_aside(path))  # tables of the same names, another layout
            engine = _engine(f"sqlite:///{path}")
            _create_schema(engine)
            problem = database_error_line(exc)
        else:
            raise
    if moved_to:
        return ProgressStore(engine, StoreStatus("recovered", moved_to, problem or ""))
    return ProgressStore(engine)


@contextmanager
def _startup_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock on ``<file>.lock`` (POSIX); a no-op where it cannot be taken."""
    try:
        import fcntl

        fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    except (ImportError, OSError):
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _is_foreign_schema(exc: BaseException) -> bool:
    message = str(exc).lower()
    return "no such column" in message or "has no column" in message


def _sqlite_problem(path: Path) -> str | None:
    """Why the SQLite file at `path` is unusable, or None when PRAGMA quick_check says ok."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            result = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "readonly" in str(exc) or "unable to open" in str(exc):
            return None
        return str(exc)
    if result != [("ok",)]:
        return "; ".join(str(row[0]) for row in result[:3])
    return None


def _move_aside(path: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    os.replace(path, target)
    for suffix in ("-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    return target


def _read_only(path: Path, detail: str) -> ProgressStore:
    """A read-only store: the existing file opened read-only, else an empty in-memory database."""
    if path.is_file() and _sqlite_problem(path) is None:
        engine = create_engine(
            f"sqlite:///file:{path}?mode=ro&uri=true",
            connect_args={"check_same_thread": False},
        )
        try:
            with engine.connect() as conn:
                conn.execute(select(func.count()).select_from(review_log)).scalar()
            return ProgressStore(engine, StoreStatus("read_only", None, detail))
        except SQLAlchemyError:
            engine.dispose()
    engine = create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    metadata.create_all(engine)
    return ProgressStore(engine, StoreStatus("read_only", None, detail))


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database in (None, "", ":memory:"):
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        )

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if parsed.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def _create_schema(engine: Engine, attempts: int = 3) -> None:
    """Create missing tables, then check the existing ones have the shape this code reads."""
    create_tables(metadata, engine, attempts)
    with engine.connect() as conn:  # fails on an incompatible schema of the same table names
        for table in ALL_TABLES:
            conn.execute(select(table).limit(1)).all()


def _probe_write(engine: Engine) -> None:
    """Prove the file is writable (a table private to this call, so concurrent probes never clash)."""
    name = f"_write_probe_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE {name} (x INTEGER)"))
        conn.execute(text(f"DROP TABLE {name}"))


def _is_read_only_error(exc: BaseException) -> bool:
    message = str(exc).lower()
    return any(
        s in message
        for s in ("readonly", "read-only", "unable to open", "permission denied", "disk i/o")
    )
