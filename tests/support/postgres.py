"""A throwaway PostgreSQL server on a private Unix socket, and private databases on it (tests, bench)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url


def pg_bin() -> Path | None:
    """The newest installed PostgreSQL server's bin folder (Debian layout), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_postgres(args: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; CI runs as root, a developer usually does not.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@contextmanager
def throwaway_postgres(bin_dir: Path, fsync: bool = False) -> Iterator[str]:
    """Start a server with a fresh cluster, yield its SQLAlchemy URL, then stop and delete it.

    Tests run with fsync off (speed); the load bench keeps it on, as a real deployment would.
    """
    root = Path(tempfile.mkdtemp(prefix="lora-lab-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    subprocess.run(
        _as_postgres(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", "lab", "--auth=trust", "-E", "UTF8"]
        ),
        check=True,
        capture_output=True,
    )
    options = f"-k {sock} -c listen_addresses='' -c fsync={'on' if fsync else 'off'}"
    start = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "start"]
    subprocess.run(_as_postgres([*start, "-o", options]), check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://lab@/postgres?host={sock}"
    finally:
        subprocess.run(
            _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def _admin(server_url: str) -> Engine:
    return create_engine(server_url, isolation_level="AUTOCOMMIT")


class PgDatabase:
    """A private PostgreSQL database and the switches a fault test needs."""

    def __init__(self, server_url: str) -> None:
        self.name = f"fault_{uuid.uuid4().hex[:12]}"
        self.server_url = server_url
        self.url = make_url(server_url).set(database=self.name).render_as_string(False)
        with _admin(server_url).connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))

    def _exec(self, *statements: str) -> None:
        engine = _admin(self.server_url)
        try:
            with engine.connect() as conn:
                for statement in statements:
                    conn.execute(text(statement))
        finally:
            engine.dispose()

    def _kick(self) -> str:
        return (
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{self.name}' AND pid <> pg_backend_pid()"
        )

    def set_read_only(self, on: bool) -> None:
        """Every new transaction in the database is read-only (open sessions are cut)."""
        value = "on" if on else "off"
        self._exec(
            f'ALTER DATABASE "{self.name}" SET default_transaction_read_only = {value}',
            self._kick(),
        )

    def set_reachable(self, on: bool) -> None:
        """Refuse (or accept again) every connection to the database, cutting open sessions."""
        value = "true" if on else "false"
        self._exec(f'ALTER DATABASE "{self.name}" WITH ALLOW_CONNECTIONS {value}', self._kick())

    def drop(self) -> None:
        self._exec(
            f'ALTER DATABASE "{self.name}" WITH ALLOW_CONNECTIONS true',
            f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)',
        )
