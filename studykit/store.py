"""The progress store: profiles, per-profile settings and the review log (the source of truth).

One code path (SQLAlchemy 2.x Core) for SQLite (default, a file) and PostgreSQL (a database URL).
Every grade is one INSERT committed in its own transaction before `add_review` returns, so a page
reload, a server restart or a killed process loses nothing already acknowledged.

Opening is defensive: an unreadable or corrupted SQLite file is moved aside
(``progress.sqlite3.corrupt-<UTC timestamp>``) and a fresh one created; a location that cannot be
written opens read-only (or empty, in memory) and every write raises `ReadOnlyStoreError`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

MODES = ("review", "cram", "mock")
DEFAULT_PROFILE = "default"
BUSY_TIMEOUT_MS = 30_000


class ReadOnlyStoreError(RuntimeError):
    """The progress location cannot be written; the app stays browsable."""


class UTCDateTime(TypeDecorator):
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
settings_table = Table(
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
    Column("mode", String(16), nullable=False),
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


class LogVersion(NamedTuple):
    """A cache key of a profile's log that differs after every write or delete."""

    count: int
    max_id: int
    writes: int


@dataclass(frozen=True)
class NewReview:
    """A grade to record. `rating` is the chosen rating (1 Again … 4 Easy)."""

    question_id: str
    card_key: str
    reviewed_at: datetime
    rating: int
    mode: str = "review"
    duration_ms: int | None = None
    proposed_rating: int | None = None
    coverage: float | None = None
    missed_points: tuple[int, ...] | None = None  # None: no typed answer was graded

    def __post_init__(self) -> None:
        if self.rating not in (1, 2, 3, 4):
            raise ValueError(f"rating must be 1..4, got {self.rating!r}")
        if self.proposed_rating is not None and self.proposed_rating not in (1, 2, 3, 4):
            raise ValueError(f"proposed_rating must be 1..4, got {self.proposed_rating!r}")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {self.mode!r}")
        if self.reviewed_at.tzinfo is None:
            raise ValueError("reviewed_at must be timezone-aware (UTC)")


@dataclass(frozen=True)
class Review(NewReview):
    """A recorded grade, with its row id and profile."""

    id: int = 0
    profile_id: int = 0


@dataclass(frozen=True)
class Profile:
    id: int
    name: str


@dataclass(frozen=True)
class StoreStatus:
    """How the store opened: ok, recovered (a bad file was moved aside), read_only or unavailable."""

    kind: Literal["ok", "recovered", "read_only"] = "ok"
    moved_to: str | None = None
    detail: str = ""

    @property
    def writable(self) -> bool:
        return self.kind != "read_only"


@dataclass
class ProgressStore:
    """Access to one progress database. Thread-safe: every call uses its own pooled connection."""

    engine: Engine
    status: StoreStatus = field(default_factory=StoreStatus)

    # ---- profiles -------------------------------------------------------------------------
    def profiles(self) -> list[Profile]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(profiles_table.c.id, profiles_table.c.name).order_by("id"))
            return [Profile(row.id, row.name) for row in rows]

    def get_profile(self, name: str) -> Profile | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(profiles_table.c.id, profiles_table.c.name).where(
                    profiles_table.c.name == name
                )
            ).first()
        return Profile(row.id, row.name) if row else None

    def ensure_profile(self, name: str) -> Profile:
        """The profile called `name`, created if missing (idempotent under concurrency)."""
        name = name.strip()
        if not name or len(name) > 80 or any(ord(c) < 32 or ord(c) == 127 for c in name):
            raise ValueError("a profile name must be 1–80 characters, no control characters")
        found = self.get_profile(name)
        if found:
            return found
        self._require_writable()
        stmt = _insert(self.engine)(profiles_table).values(name=name, created_at=_now())
        with self.engine.begin() as conn:
            conn.execute(stmt.on_conflict_do_nothing(index_elements=["name"]))
        found = self.get_profile(name)
        assert found is not None
        return found

    # ---- settings -------------------------------------------------------------------------
    def get_setting(self, profile_id: int, key: str, default: str | None = None) -> str | None:
        with self.engine.connect() as conn:
            value = conn.execute(
                select(settings_table.c.value).where(
                    settings_table.c.profile_id == profile_id, settings_table.c.key == key
                )
            ).scalar()
        return default if value is None else value

    def set_setting(self, profile_id: int, key: str, value: str) -> None:
        self._require_writable()
        stmt = _insert(self.engine)(settings_table).values(
            profile_id=profile_id, key=key, value=value
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["profile_id", "key"], set_={"value": value}
        )
        with self.engine.begin() as conn:
            conn.execute(stmt)

    # ---- the review log -------------------------------------------------------------------
    def add_review(self, profile_id: int, review: NewReview) -> Review:
        """Record one grade, committed before returning (the caller may then acknowledge it)."""
        self._require_writable()
        with self.engine.begin() as conn:
            new_id = conn.execute(
                review_log.insert()
                .values(**_row_values(profile_id, review))
                .returning(review_log.c.id)
            ).scalar_one()
            _bump_writes(conn, profile_id)
        return Review(**{**review.__dict__, "id": new_id, "profile_id": profile_id})

    def reviews(self, profile_id: int, modes: Sequence[str] | None = None) -> list[Review]:
        """The profile's log in time order (ties by id)."""
        stmt = select(review_log).where(review_log.c.profile_id == profile_id)
        if modes is not None:
            stmt = stmt.where(review_log.c.mode.in_(list(modes)))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt.order_by(review_log.c.reviewed_at, review_log.c.id)).all()
        return [_to_review(row._mapping) for row in rows]

    def last_review(self, profile_id: int) -> Review | None:
        stmt = (
            select(review_log)
            .where(review_log.c.profile_id == profile_id)
            .order_by(review_log.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(stmt).first()
        return _to_review(row._mapping) if row else None

    def undo_last(self, profile_id: int) -> Review | None:
        """Delete the profile's most recent log row (the undo of the last grade); return it."""
        self._require_writable()
        with self.engine.begin() as conn:
            row = conn.execute(
                select(review_log)
                .where(review_log.c.profile_id == profile_id)
                .order_by(review_log.c.id.desc())
                .limit(1)
            ).first()
            if row is None:
                return None
            conn.execute(review_log.delete().where(review_log.c.id == row.id))
            _bump_writes(conn, profile_id)
        return _to_review(row._mapping)

    def undo_review(self, profile_id: int, review_id: int) -> Review | None:
        """Delete exactly the row `review_id` of this profile (an undo); None when it is gone."""
        self._require_writable()
        where = (review_log.c.profile_id == profile_id) & (review_log.c.id == review_id)
        with self.engine.begin() as conn:
            row = conn.execute(select(review_log).where(where)).first()
            if row is None:
                return None
            conn.execute(review_log.delete().where(where))
            _bump_writes(conn, profile_id)
        return _to_review(row._mapping)

    def log_version(self, profile_id: int) -> LogVersion:
        """(row count, max id, writes) of the profile's log: a cache key for replays that
        changes on every write and delete, even when a deleted id is reused."""
        stmt = select(func.count(review_log.c.id), func.coalesce(func.max(review_log.c.id), 0))
        writes = select(log_writes.c.writes).where(log_writes.c.profile_id == profile_id)
        with self.engine.connect() as conn:
            count, max_id = conn.execute(stmt.where(review_log.c.profile_id == profile_id)).one()
            # a read-only file never changes (and one written by an older version lacks the table)
            counter = conn.execute(writes).scalar() if self.status.writable else 0
        return LogVersion(int(count), int(max_id), int(counter or 0))

    def import_reviews(self, profile_id: int, reviews: Iterable[NewReview]) -> int:
        """Insert reviews in ONE transaction, skipping ones already present; return how many were new."""
        self._require_writable()
        rows = [_row_values(profile_id, review) for review in reviews]
        if not rows:
            return 0
        before = self.log_version(profile_id)[0]
        stmt = _insert(self.engine)(review_log).on_conflict_do_nothing(
            index_elements=["profile_id", "card_key", "reviewed_at", "mode"]
        )
        with self.engine.begin() as conn:
            conn.execute(stmt, rows)
            _bump_writes(conn, profile_id)
        return self.log_version(profile_id)[0] - before

    def dispose(self) -> None:
        self.engine.dispose()

    def _require_writable(self) -> None:
        if not self.status.writable:
            raise ReadOnlyStoreError(self.status.detail or "the progress store is read-only")


# ---- opening ------------------------------------------------------------------------------
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
            return _read_only(Path(), f"cannot use the database {where}: {_reason(exc)}")
        return ProgressStore(engine)
    return _open_sqlite_file(Path(parsed.database))


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
            return _read_only(path, f"{path} cannot be written: {_reason(exc)}")
        if moved_to is None and path.exists() and _is_foreign_schema(exc):
            moved_to = str(_move_aside(path))  # tables of the same names, another layout
            engine = _engine(f"sqlite:///{path}")
            _create_schema(engine)
            problem = _reason(exc)
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


def _create_schema(engine: Engine, attempts: int = 3) -> None:
    """Create missing tables, then check the existing ones have the shape this code reads."""
    create_tables(metadata, engine, attempts)
    with engine.connect() as conn:  # fails on an incompatible schema of the same table names
        conn.execute(select(review_log).limit(1)).all()
        conn.execute(select(profiles_table).limit(1)).all()
        conn.execute(select(settings_table).limit(1)).all()
        conn.execute(select(log_writes).limit(1)).all()


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


def _reason(exc: BaseException) -> str:
    original = getattr(exc, "orig", None)
    return str(original or exc).splitlines()[0]


def _insert(engine: Engine) -> Any:
    """The dialect's INSERT construct (both support ON CONFLICT)."""
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite_dialect.insert


def _bump_writes(conn: Connection, profile_id: int) -> None:
    """Count one more write of the profile's log (inside the caller's transaction)."""
    stmt = _insert(conn.engine)(log_writes).values(profile_id=profile_id, writes=1)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["profile_id"], set_={"writes": log_writes.c.writes + 1}
        )
    )


def _now() -> datetime:
    return datetime.now(UTC)


def _row_values(profile_id: int, review: NewReview) -> dict[str, Any]:
    missed = None if review.missed_points is None else json.dumps(list(review.missed_points))
    return {
        "profile_id": profile_id,
        "question_id": review.question_id,
        "card_key": review.card_key,
        "reviewed_at": review.reviewed_at,
        "rating": review.rating,
        "duration_ms": review.duration_ms,
        "proposed_rating": review.proposed_rating,
        "chosen_rating": review.rating,
        "mode": review.mode,
        "coverage": review.coverage,
        "missed_points": missed,
    }


def _to_review(row: Any) -> Review:
    missed = row["missed_points"]
    return Review(
        question_id=row["question_id"],
        card_key=row["card_key"],
        reviewed_at=row["reviewed_at"],
        rating=row["chosen_rating"],
        mode=row["mode"],
        duration_ms=row["duration_ms"],
        proposed_rating=row["proposed_rating"],
        coverage=row["coverage"],
        missed_points=None if missed is None else tuple(json.loads(missed)),
        id=row["id"],
        profile_id=row["profile_id"],
    )
