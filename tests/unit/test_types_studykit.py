"""The study core type-checks: mypy over studykit/ reports no error (a wrong call fails here, not in use)."""

from __future__ import annotations

import subprocess
import sys

from tests.support.paths import ROOT


def test_mypy_finds_no_error_in_studykit() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "studykit", "--no-error-summary", "--hide-error-context"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
