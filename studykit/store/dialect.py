"""The database dialect's INSERT construct: SQLite's and PostgreSQL's both support ON CONFLICT."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite as sqlite_dialect


def dialect_insert(engine: Engine) -> Any:
    """`insert` of the engine's dialect (PostgreSQL or SQLite), for `on_conflict_do_*` upserts."""
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite_dialect.insert
