"""Fault fixtures: a progress-store URL on each backend, each test in its own fresh database.

PostgreSQL tests get a private database (``CREATE DATABASE``) on the session's throwaway server
(the `postgres_url` fixture of tests/conftest.py), so a test may make its database read-only or
refuse connections without disturbing any other test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.postgres import PgDatabase

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
def pg_database(postgres_url: str) -> Iterator[PgDatabase]:
    """A fresh, private PostgreSQL database (dropped afterwards)."""
    db = PgDatabase(postgres_url)
    yield db
    db.drop()


@pytest.fixture(params=BACKENDS)
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty progress store URL: a SQLite file, or a private PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'progress.sqlite3'}"
        return
    db = PgDatabase(request.getfixturevalue("postgres_url"))
    yield db.url
    db.drop()
