"""The progress store: profiles, per-profile settings and the review log (the source of truth).

One code path (SQLAlchemy 2.x Core) for SQLite (default, a file) and PostgreSQL (a database URL).
Every grade is one INSERT committed in its own transaction before `add_review` returns, so a page
reload, a server restart or a killed process loses nothing already acknowledged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, RowMapping, func, select

from studykit.store.dialect import dialect_insert
from studykit.store.errors import ReadOnlyStoreError
from studykit.store.records import LogVersion, NewReview, Profile, Review, StoreStatus
from studykit.store.tables import log_writes, profile_settings_table, profiles_table, review_log

DEFAULT_PROFILE = "default"


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
        stmt = dialect_insert(self.engine)(profiles_table).values(
            name=name, created_at=datetime.now(UTC)
        )
        with self.engine.begin() as conn:
            conn.execute(stmt.on_conflict_do_nothing(index_elements=["name"]))
        found = self.get_profile(name)
        assert found is not None
        return found

    # ---- a profile's settings ---------------------------------------------------------------
    def get_setting(self, profile_id: int, key: str, default: str | None = None) -> str | None:
        table = profile_settings_table
        with self.engine.connect() as conn:
            value = conn.execute(
                select(table.c.value).where(table.c.profile_id == profile_id, table.c.key == key)
            ).scalar()
        return default if value is None else value

    def set_setting(self, profile_id: int, key: str, value: str) -> None:
        self._require_writable()
        stmt = dialect_insert(self.engine)(profile_settings_table).values(
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
        before = self.log_version(profile_id).row_count
        stmt = dialect_insert(self.engine)(review_log).on_conflict_do_nothing(
            index_elements=["profile_id", "card_key", "reviewed_at", "mode"]
        )
        with self.engine.begin() as conn:
            conn.execute(stmt, rows)
            _bump_writes(conn, profile_id)
        return self.log_version(profile_id).row_count - before

    def dispose(self) -> None:
        self.engine.dispose()

    def _require_writable(self) -> None:
        if not self.status.writable:
            raise ReadOnlyStoreError(self.status.detail or "the progress store is read-only")


def _bump_writes(conn: Connection, profile_id: int) -> None:
    """Count one more write of the profile's log (inside the caller's transaction)."""
    stmt = dialect_insert(conn.engine)(log_writes).values(profile_id=profile_id, writes=1)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["profile_id"], set_={"writes": log_writes.c.writes + 1}
        )
    )


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


def _to_review(row: RowMapping) -> Review:
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
