"""The grade of a typed answer: per-point results, weighted coverage and the proposed FSRS rating."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from studykit.schema import Text

Status = Literal["covered", "partial", "missed", "contradicted"]
# coverage below the cut -> rating; else Easy (4). Tuned on dev.yaml; Again < 0.1 since 2026-12-06 (holdout and
# fresh half answers stating one minor point were Again; off-topic answers stay below 0.1: bench/grading_eval.py).
RATING_CUTS = ((0.1, 1), (0.55, 2), (0.9, 3))


@dataclass(frozen=True)
class MisconceptionHit:
    name: Text
    correction: Text
    evidence: tuple[str, ...]
    sentence: str  # the learner's own words that state it


@dataclass(frozen=True)
class PointResult:
    index: int
    status: Status
    covered: bool
    score: float  # 0..1 share of the point's claims stated (0 when contradicted)
    evidence: str  # the learner's words that decided it ("" when missed)
    weight: int
    misconception: MisconceptionHit | None = None


@dataclass(frozen=True)
class GradeResult:
    points: list[PointResult]
    coverage: float  # weighted, 0..1
    proposed: int | None  # 1 Again .. 4 Easy; None when nothing was typed
    answered: bool

    @property
    def covered(self) -> list[PointResult]:
        return [p for p in self.points if p.status == "covered"]

    @property
    def missed(self) -> list[PointResult]:
        """Points not covered and not contradicted (missed, or only partly stated)."""
        return [p for p in self.points if p.status in ("missed", "partial")]

    @property
    def partial(self) -> list[PointResult]:
        return [p for p in self.points if p.status == "partial"]

    @property
    def contradicted(self) -> list[PointResult]:
        return [p for p in self.points if p.status == "contradicted"]

    @property
    def not_covered(self) -> list[PointResult]:
        return [p for p in self.points if p.status != "covered"]


def propose_rating(coverage: float) -> int:
    """Coverage -> FSRS rating (1 Again .. 4 Easy)."""
    for cut, rating in RATING_CUTS:
        if coverage < cut:
            return rating
    return 4
