"""A user's target regex is matched with RE2 and reaches PEFT only as explicit module names.

Issue 12, failure 1: ``(.+)+X`` made Python's backtracking ``re`` (inside PEFT) run for minutes
in the server process. Now the pattern is matched in linear time and refused with a message.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lora_demo import LoraSettings, LoraSettingsError, count, lora_config
from lora_demo.esm import meta_model
from lora_demo.target_regex import MAX_PATTERN_CHARS, TargetRegexError, matching_names

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ["(.+)+X", "(a|aa)+$", "(.*a){20}", "((a+)+)+b"]
# a name long enough that Python's re would not finish (.+)+X on it in any test's lifetime
LONG_NAME = "esm.encoder.layer.0.attention.self.query" * 3


@pytest.mark.parametrize("pattern", HOSTILE)
def test_a_backtracking_pattern_is_matched_in_linear_time(pattern: str) -> None:
    start = time.perf_counter()
    assert matching_names(pattern, [LONG_NAME, "a" * 5000]) in ((), ("a" * 5000,))
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("pattern", HOSTILE)
def test_a_backtracking_pattern_is_refused_by_count_with_a_message(pattern: str) -> None:
    with pytest.raises(LoraSettingsError, match="matches no module") as info:
        count(LoraSettings(targets=pattern), use_cache=False)
    assert len(str(info.value)) < 400


@pytest.mark.parametrize(
    "pattern", [r"(a)\1", "(?=query)", "(?<!x)query", "x" * (MAX_PATTERN_CHARS + 1), "("]
)
def test_patterns_re2_cannot_bound_are_refused_at_validation(pattern: str) -> None:
    with pytest.raises(LoraSettingsError, match="targets") as info:
        LoraSettings(targets=pattern)
    assert len(str(info.value)) < 400
    with pytest.raises(TargetRegexError):
        matching_names(pattern, ["query"])


def test_peft_receives_the_explicit_names_python_re_would_have_matched() -> None:
    pattern = r".*\.layer\.(?:2|4)\.attention\.self\.(query|value)"
    settings = LoraSettings(targets=pattern)
    names = [n for n, _ in meta_model("esm2_t6_8M", "seq", 2).named_modules()]
    config = lora_config(settings)
    assert isinstance(config.target_modules, set | list)
    assert sorted(config.target_modules) == sorted(n for n in names if re.fullmatch(pattern, n))
    assert len(config.target_modules) == 4
    result = count(settings, use_cache=False)
    assert sorted(result.matched_modules[pattern]) == sorted(config.target_modules)


def _cli(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "lora_demo", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc, time.perf_counter() - start


def test_cli_refuses_a_hostile_regex_as_fast_as_any_other_error() -> None:
    """Exit 2 with a message; the time beyond importing torch/PEFT (a bad --r) is under 2 s."""
    baseline, baseline_s = _cli("count", "--r", "0")
    assert baseline.returncode == 2
    proc, elapsed = _cli("count", "--targets", "(.+)+X")
    assert proc.returncode == 2, proc.stderr
    assert "matches no module" in proc.stderr and "Traceback" not in proc.stderr
    assert elapsed - baseline_s < 2.0, (elapsed, baseline_s)
