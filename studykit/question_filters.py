"""Narrowing the question bank: the one filter Browse, daily review and cram all apply."""

from __future__ import annotations

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
