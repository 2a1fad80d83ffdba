"""What a progress-database failure is called: the read-only error and a one-line reason."""

from __future__ import annotations


class ReadOnlyStoreError(RuntimeError):
    """The progress location cannot be written; the app stays browsable."""


def database_error_line(exc: BaseException, limit: int | None = None) -> str:
    """The first line of a database error's own message (the driver's, without SQLAlchemy's SQL
    echo and background link); the exception's type name when the message is empty."""
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    line = lines[0] if lines else type(exc).__name__
    return line if limit is None else line[:limit]
