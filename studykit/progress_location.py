"""Where progress is stored: the progress database URL, from the environment or the default file.

- ``LORA_LAB_DATABASE_URL``: a SQLAlchemy URL (``postgresql+psycopg://user@host/db``,
  ``sqlite:////abs/path.sqlite3``); when set it wins.
- ``LORA_LAB_DATA_DIR``: folder of the default SQLite file ``progress.sqlite3``
  (default: ``<repo>/data``).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR_ENV = "LORA_LAB_DATA_DIR"
DATABASE_URL_ENV = "LORA_LAB_DATABASE_URL"
PROGRESS_FILE = "progress.sqlite3"


def data_dir() -> Path:
    """The folder that holds the default SQLite progress file."""
    value = os.environ.get(DATA_DIR_ENV, "").strip()
    return Path(value).expanduser() if value else REPO_ROOT / "data"


def database_url() -> str:
    """The progress store's SQLAlchemy URL: the env override, else SQLite in `data_dir()`."""
    value = os.environ.get(DATABASE_URL_ENV, "").strip()
    if value:
        return value
    return sqlite_url(data_dir() / PROGRESS_FILE)


def sqlite_url(path: Path) -> str:
    """A SQLAlchemy URL for a SQLite file at `path`."""
    return f"sqlite:///{path.resolve()}"
