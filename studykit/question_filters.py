"""Which questions a session works on: the one filter of Browse, review and cram; cram's order."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from studykit.schema import Question


@dataclass(frozen=True)
class Filters:
    """What the learner narrowed the bank to; empty collections mean "any"."""

    documents: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    difficulties: frozenset[int] = frozenset()
    kinds: frozenset[str] = frozenset()
    corrected_only: bool = False

    def accepts(self, question: Question) -> bool:
        return (
            (not self.documents or question.source.document in self.documents)
            and (not self.tags or bool(self.tags.intersection(question.tags)))
            and (not self.difficulties or question.difficulty in self.difficulties)
            and (not self.kinds or question.kind in self.kinds)
            and (not self.corrected_only or question.has_corrections)
        )


NO_FILTERS = Filters()


def filter_questions(
    questions: Sequence[Question], sources: Iterable[str] = (), tags: Iterable[str] = ()
) -> list[Question]:
    """Questions from any of `sources` (document names) having any of `tags`; empty = no filter."""
    wanted = Filters(documents=frozenset(sources), tags=frozenset(tags))
    return [q for q in questions if wanted.accepts(q)]


def shuffled_ids(questions: Sequence[Question], seed: int) -> list[str]:
    """The questions' ids in a seeded random order (cram keeps one order per round)."""
    ids = [q.id for q in questions]
    random.Random(seed).shuffle(ids)
    return ids
