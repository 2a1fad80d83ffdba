"""Progress rows open their question (issue 14): a click on a weakest-key-point or leech row opens
Browse at that question with its answer shown. AppTest cannot click a grid cell, so the click is the
dataframe's selection state, as the browser sends it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.stats_app import open_stats


def _click_row(at, key: str, row: int) -> None:
    at.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception


@pytest.mark.parametrize(
    ("table", "question"), [("stats_weak", "fx-q1"), ("stats_leeches", "fx-q3")]
)
def test_a_clicked_row_opens_its_question_with_the_answer(
    seeded: Path,
    table: str,
    question: str,
) -> None:
    at = open_stats("zh")
    assert any(c.value.startswith("点击一行") for c in at.caption)
    _click_row(at, table, 0)
    assert at.title[0].value == "题库"
    assert at.query_params["q"] == [question]
    assert at.radio[0].value == question
    assert "browse_hide" in {b.key for b in at.button}  # the answer is shown
