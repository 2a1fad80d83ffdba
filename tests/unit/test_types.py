"""Type check: one mypy run over the study core and the engine reports no error (CI runs it here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.paths import ROOT


def test_studykit_and_lora_demo_are_mypy_clean(tmp_path: Path) -> None:
    # One process for both packages: the standard library and the shared modules are analysed once.
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "studykit",
            "lora_demo",
            "--cache-dir",
            str(tmp_path / "mypy"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Success: no issues found" in proc.stdout
