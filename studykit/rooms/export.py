"""The session's answers as CSV (one row per answer), safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from studykit.rooms.tally import AnswerRecord

COLUMNS = (
    "room",
    "question_no",
    "question_id",
    "learner",
    "skipped",
    "coverage",
    "key_points",
    "misconception",
    "answer",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    """A learner's text as a spreadsheet shows it, never as a formula (OWASP CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def answers_csv(code: str, answers: Sequence[AnswerRecord]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for a in answers:
        writer.writerow(
            [
                code,
                a.question_index + 1,
                a.question_id,
                cell(a.member_name),
                "yes" if a.skipped else "no",
                "" if a.coverage is None else f"{a.coverage:.2f}",
                " ".join(a.statuses),
                cell(a.misconception["en"]) if a.misconception else "",
                cell(a.answer),
            ]
        )
    return out.getvalue()
