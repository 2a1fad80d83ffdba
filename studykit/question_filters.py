"""Which questions a study session works on: filters by document and tag, cram's seeded order."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from studykit.schema import Question


def filter_questions(
    questions: Sequence[Question], sources: Iterable[str] = (), tags: Iterable[str] = ()
) -> list[Question]:
    """Questions from any of `sources` (document names) having any of `tags`; empty = no filter."""
    sources, tags = set(sources), set(tags)
    return [
        q
        for q in questions
        if (not sources or q.source.document in sources) and (not tags or tags.intersection(q.tags))
    ]


def shuffled_ids(questions: Sequence[Question], seed: int) -> list[str]:
    """The questions' ids in a seeded random order (cram keeps one order per round)."""
    ids = [q.id for q in questions]
    random.Random(seed).shuffle(ids)
    return ids
