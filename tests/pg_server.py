"""A throwaway PostgreSQL server on a private Unix socket (tests and bench/load_test.py)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


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
