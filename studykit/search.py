"""Full-text search over the question bank, for Chinese and English alike.

A query is cut into terms (jieba for Chinese runs, words for Latin text). A question matches when every term
occurs in its text (Chinese terms as substrings, so "初始化" finds "初始化为全0"); it is ranked by where the
terms occur (question > key points > answer > follow-ups). If nothing matches all terms, questions with a close
fuzzy match (typos, other word order) are returned instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import jieba  # type: ignore[import-untyped]  # ships no type information
from rapidfuzz import fuzz

from studykit.question_filters import NO_FILTERS, Filters
from studykit.schema import Question
from studykit.tags import TAGS
from studykit.text_fold import CJK_RUN, SEARCH_STOP_WORDS, fold

jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise

_LATIN = re.compile(r"[a-z0-9_.+\-/=αβγδλσ√]+")
# Field weights: a hit in the question text counts most.
_WEIGHTS = {
    "question": 5.0,
    "tags": 3.0,
    "key_points": 3.0,
    "answer": 1.5,
    "corrections": 1.0,
    "follow_ups": 1.0,
}


@lru_cache(maxsize=2048)
def terms(query: str) -> tuple[str, ...]:
    """Split a query into search terms: jieba words for Chinese, whole words for Latin text."""
    text = fold(query)
    out: list[str] = []
    for chunk in re.split(r"\s+", text):
        out.extend(_LATIN.findall(chunk))
        for run in CJK_RUN.findall(chunk):
            # A short run is one term; a longer run is cut by jieba so word order and filler don't matter.
            words = [run] if len(run) <= 4 else [w for w in jieba.cut(run) if w.strip()]
            out.extend(w for w in words if w not in SEARCH_STOP_WORDS)
    return tuple(dict.fromkeys(t for t in out if t and t not in SEARCH_STOP_WORDS))


@dataclass(frozen=True)
class _Doc:
    question: Question
    fields: dict[str, str]
    blob: str


def _texts(question: Question) -> dict[str, str]:
    answer = question.answer
    key_points = [
        kp.text.zh + " " + kp.text.en + " " + " ".join(kp.aliases.zh + kp.aliases.en)
        for kp in answer.key_points
    ]
    corrections = [
        c.document_said.zh + " " + c.correction.zh + " " + c.correction.en
        for c in answer.corrections
    ]
    follow_ups = [
        f.question.zh + " " + f.question.en + " " + f.answer.zh + " " + f.answer.en
        for f in question.follow_ups
    ]
    tags = [f"{tag} {' '.join(TAGS.get(tag, ()))}" for tag in question.tags]
    return {
        "question": fold(f"{question.id} {question.question.zh} {question.question.en}"),
        "tags": fold(" ".join(tags)),
        "key_points": fold(" ".join(key_points)),
        "answer": fold(answer.full.zh + " " + answer.full.en),
        "corrections": fold(" ".join(corrections)),
        "follow_ups": fold(" ".join(follow_ups)),
    }


class SearchIndex:
    """An in-memory index over a list of questions (built once; searching is a scan of ~100 docs)."""

    def __init__(self, questions: Sequence[Question]):
        self._docs = []
        for question in questions:
            fields = _texts(question)
            self._docs.append(_Doc(question, fields, " ".join(fields.values())))

    def search(self, query: str, limit: int | None = None) -> list[Question]:
        """Questions matching `query`, best first. An empty query returns every question in bank order."""
        wanted = terms(query)
        if not wanted:
            return [doc.question for doc in self._docs][:limit]
        scored = [(self._score(doc, wanted), i, doc.question) for i, doc in enumerate(self._docs)]
        hits = [(s, i, q) for s, i, q in scored if s > 0]
        if not hits:
            hits = self._fuzzy(fold(query))
        hits.sort(key=lambda item: (-item[0], item[1]))
        return [q for _, _, q in hits][:limit]

    @staticmethod
    def _score(doc: _Doc, wanted: Iterable[str]) -> float:
        total = 0.0
        for term in wanted:
            if term not in doc.blob:
                return 0.0  # every term must occur somewhere
            total += sum(w * doc.fields[name].count(term) ** 0.5 for name, w in _WEIGHTS.items())
        return total

    def _fuzzy(self, query: str) -> list[tuple[float, int, Question]]:
        out = []
        for i, doc in enumerate(self._docs):
            score = max(
                fuzz.partial_ratio(query, doc.fields["question"]),
                fuzz.partial_ratio(query, doc.fields["key_points"]),
            )
            if score >= 80:
                out.append((score / 100.0, i, doc.question))
        return out


def find(index: SearchIndex, query: str, filters: Filters = NO_FILTERS) -> list[Question]:
    """Search, then filter: the list the Browse page shows."""
    return [q for q in index.search(query) if filters.accepts(q)]
