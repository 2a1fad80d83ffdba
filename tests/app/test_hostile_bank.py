"""Hostile question files: the banner counts files and stays short; an alias flood is refused fast.

Issue 12: "34 question file(s) failed" was shown for 3 files (it counted problems), and an
alias-flood YAML (200,000 aliases, 1.4 MB) took 26.8 s to refuse, delaying the first page.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from studykit.bank import load_bank
from studykit.bank_yaml import MAX_ALIASES
from tests.support.paths import FIXTURE_BANK


def alias_flood(aliases: int = 200_000) -> str:
    """Ten levels of ten-fold references, then a flat list of `aliases` references to the top."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 20):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\nflood: [" + ", ".join(["*a19"] * aliases) + "]\n"


def test_an_alias_flood_is_refused_before_it_expands(tmp_path: Path) -> None:
    text = alias_flood()
    assert len(text) > 1_000_000
    (tmp_path / "100_flood.yaml").write_text(text, encoding="utf-8")
    start = time.perf_counter()
    bank = load_bank(tmp_path)
    elapsed = time.perf_counter() - start
    assert [p.file for p in bank.problems] == ["100_flood.yaml"]
    assert f"more than {MAX_ALIASES} aliases" in bank.problems[0].reason
    assert elapsed < 5.0, elapsed  # was 26.8 s; a hang guard, the speed itself is not the point


def test_the_banner_counts_files_and_is_bounded(open_page, tmp_path, monkeypatch) -> None:
    bank = tmp_path / "bank"
    shutil.copytree(FIXTURE_BANK, bank)
    (bank / "200_syntax.yaml").write_text("schema_version: 1\nquestions: [\n", encoding="utf-8")
    (bank / "201_flood.yaml").write_text(alias_flood(1000), encoding="utf-8")
    many = "".join(f"  - id: q{i}\n    bogus_{'x' * 400}: 1\n" for i in range(40))
    (bank / "202_many.yaml").write_text(f"schema_version: 1\nquestions:\n{many}", encoding="utf-8")
    monkeypatch.setenv("LORA_LAB_QUESTIONS_DIR", str(bank))
    at = open_page("pages/browse.py", lang="en")
    banner = at.warning[0].value
    assert banner.startswith("3 question file(s) failed validation"), banner[:200]
    assert len(banner) < 6000 and "… +" in banner
    assert at.caption[0].value == "2 question(s)"  # the good file is still served
