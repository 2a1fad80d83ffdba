"""`python -m studykit.check` names every follow-up without key points (a follow-up is a graded card)."""

from __future__ import annotations

import pytest

from studykit.check import main
from tests.support.paths import FIXTURE_BANK


def test_a_follow_up_without_key_points_is_reported(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LORA_LAB_QUESTIONS_DIR", str(FIXTURE_BANK))  # its one follow-up has none
    assert main([]) == 1
    out = capsys.readouterr().out
    assert "KEYPOINTS  100_fixture.yaml f100-q01-init follow_ups[0]: none" in out
    assert out.rstrip().endswith("1 follow-up(s) without key points")
