"""Grade a typed answer claim by claim: covered / partial / missed / contradicted per key point.

A key point is covered when every one of its claims is stated in one clause of the answer (right subject, right
predicate, right polarity); it is contradicted when any of its misconceptions is stated anywhere, and then the
proposed rating is Again whatever the coverage. Key points without claims fall back to a strict form of the old
phrase matcher, so an unmigrated bank still grades.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

from studykit.grading.claims import Alternative, Atom, Claim, parse_claim
from studykit.grading.clauses import bracket_depths, split_clauses
from studykit.grading.lexicon import Lexicon
from studykit.grading.normalise import normalise
from studykit.grading.numbers import find_numbers, parse_numeric_form
from studykit.grading.spotting import (
    QUOTED,
    Occurrence,
    compiled_form,
    cue_spans,
    is_negated,
    spotter_for,
)

if TYPE_CHECKING:
    from studykit.schema import KeyPoint, Misconception, Text

Status = Literal["covered", "partial", "missed", "contradicted"]
# coverage below the cut -> rating; else Easy (4). Tuned on tests/grading_eval/dev.yaml (bench/grading_eval.py).
RATING_CUTS = ((0.15, 1), (0.55, 2), (0.9, 3))
MAX_OPTIONS = 32  # matches kept per term when assigning distinct matches: bounded search

# "B is zero and A random": split at a conjunction when both halves are complete statements
_CONJUNCTION = re.compile(
    r"(?<![A-Za-z])(?:and|as well as)(?![A-Za-z])|并且|而且|以及|且|和|与|、|同时|并(?![不没非未无])"
)
_LEADING_JOINT = re.compile(
    r"\s*(?:(?:and|then|also)(?![A-Za-z])|并且|而且|并(?![不没非未无])|且|同时|然后|再)", re.I
)
_NOUN_JOINTS = frozenset({"和", "与", "以及", "、"})  # split only between two complete statements
_SUBJECT_LINK = re.compile(r"\s*(?:和|与|及|、|,|，|/|&|and|or)?\s*(?:the\s+)?", re.I)


_PARENTHETICAL = re.compile(r"[(（][^()（）]{4,}[)）]")
_PROSE = re.compile(r"[\u4e00-\u9fff]|\w\s+\w")
_RESPECTIVELY = re.compile(r"分别|各自|依次|(?<![A-Za-z])respectively(?![A-Za-z])", re.I)
_PRONOUN = re.compile(
    r"\s*(?:(?:it|its|they|their|this|these|that|which)(?![A-Za-z])|它们|它|其(?![他它实中余次])|这个|该矩阵|这)",
    re.I,
)


# "other methods …", "其他方法 …": a clause about something else than the sentence's subject
_OTHER = re.compile(r"(?<![A-Za-z])(?:other|others|another)(?![A-Za-z])|其他|其它|别的|另一", re.I)
# a clause opened by one of these is also about what the previous clause named, even with things of its own
_RELATIVE = re.compile(r"\s*(?:(?:which|it|they)(?![A-Za-z])|它们|它|其(?![他它实中余次]))", re.I)


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


@dataclass
class Segment:
    """A binding unit of the answer: a clause (or half of one), its concepts and inherited subjects."""

    text: str  # normalised clause text
    start: int  # this segment's span inside `text`
    end: int
    raw: str  # the learner's words (the clause as typed)
    sentence: int
    sentence_raw: str
    occurrences: list[Occurrence]
    inherited: frozenset[str] = field(default_factory=frozenset)
    quoted: tuple[tuple[int, int], ...] = ()  # spans in quotation marks: mentioned, not asserted
    after_vs: bool = False  # the first segment of a clause that follows "vs"
    # what "which …" / "它 …" may refer back to: it helps state a claim, never a misconception (the pronoun
    # may point at the sentence's subject instead: "it does not shrink the model; it shrinks the params")
    relative: frozenset[str] = field(default_factory=frozenset)
    mask_quoted: bool = False  # this view ignores what is in quotation marks

    def in_quotes(self, pos: int) -> bool:
        return any(s <= pos < e for s, e in self.quoted)

    @cached_property
    def asserted(self) -> Segment:
        """This segment without what it only mentions in quotation marks (“先只做注意力”不是最佳默认)."""
        if not self.quoted:
            return self
        kept = [o for o in self.occurrences if not self.in_quotes(o.start)]
        return replace(self, occurrences=kept, mask_quoted=True)

    @cached_property
    def cues(self) -> list[tuple[int, int]]:
        """Negation cues of the clause outside matched forms (computed once per segment)."""
        return cue_spans(self.text[: self.end], [(o.start, o.end) for o in self.occurrences])

    @property
    def subjects(self) -> frozenset[str]:
        """The first entity and those coordinated with it ("A 和 B", "A and B"): what a later clause without a
        subject of its own is about ("LoRA keeps W0 frozen and trains …": LoRA trains, not W0)."""
        entities = sorted(
            (o for o in self.occurrences if o.entity and not o.negated), key=lambda o: o.start
        )
        if not entities:
            return frozenset()
        group = [entities[0]]
        for occ in entities[1:]:
            linked = occ.start >= group[-1].end and _SUBJECT_LINK.fullmatch(
                self.text[group[-1].end : occ.start]
            )
            if linked or occ.start < group[-1].end:  # "A 和 B"; or one form of two concepts
                group.append(occ)
            else:
                break
        return frozenset(o.concept for o in group)

    @property
    def own_entities(self) -> frozenset[str]:
        return frozenset(o.concept for o in self.occurrences if o.entity and not o.negated)


def _complete(occurrences: list[Occurrence]) -> bool:
    return any(o.entity and not o.negated for o in occurrences) and any(
        not o.entity for o in occurrences
    )


def _respectively(
    text: str, raw: str, sentence: int, sentence_raw: str, occ: list[Occurrence]
) -> list[Segment] | None:
    """ "A 和 B 分别初始化为随机和零", "A and B are random and zero respectively": pair the i-th subject with the
    i-th of the last predicates; earlier predicates (初始化) are shared."""
    marker = _RESPECTIVELY.search(text)
    if not marker:
        return None
    entities = [o for o in occ if o.entity and not o.negated and o.start < marker.start()]
    if len(entities) < 2:
        return None
    after = [o for o in occ if not o.entity and o.start > entities[-1].start]
    if len(after) < len(entities):
        return None
    paired, shared = after[-len(entities) :], after[: -len(entities)]
    others = [o for o in occ if o not in entities and o not in after]
    return [
        Segment(text, 0, len(text), raw, sentence, sentence_raw, [*others, *shared, e, p])
        for e, p in zip(entities, paired, strict=True)
    ]


def _statement_items(text: str, occ: list[Occurrence], start: int, end: int) -> bool:
    """Whether the items of a 、 list on both sides of the mark at start..end are statements that open with
    their subject ("A 随机初始化、B 初始化为 0"), not things ("在表达力、参数量、推理开销之间")."""
    before = text.rfind("、", 0, start) + 1
    after = text.find("、", end)
    after = len(text) if after < 0 else after
    left = [o for o in occ if before <= o.start < start]
    right = [o for o in occ if end <= o.start < after]
    return all(
        side and side[0].entity and not side[0].negated and _complete(side)
        for side in (left, right)
    )


def _bind(
    text: str, raw: str, sentence: int, sentence_raw: str, occ: list[Occurrence]
) -> list[Segment]:
    """Split a clause at a conjunction only when both sides state something about something."""
    pairs = _respectively(text, raw, sentence, sentence_raw, occ)
    if pairs is not None:
        return pairs
    aside = _PARENTHETICAL.search(text)
    if (
        aside
    ):  # "B is initialised to 0 (A with kaiming-uniform in PEFT)": the aside is its own statement
        inside = [o for o in occ if aside.start() <= o.start < aside.end()]
        outside = [o for o in occ if o not in inside]
        if _complete(inside) and _complete(outside):
            return [
                *_bind(text, raw, sentence, sentence_raw, outside),
                Segment(text, aside.start(), aside.end(), raw, sentence, sentence_raw, inside),
            ]
    cuts = [0]
    depths = bracket_depths(text)
    for match in _CONJUNCTION.finditer(text):
        if any(o.start < match.end() and match.start() < o.end for o in occ):
            continue  # the conjunction is inside a concept's form
        left = [o for o in occ if cuts[-1] <= o.start < match.start()]
        right = [o for o in occ if o.start >= match.end()]
        # "B is zero and A random", "keeps W0 frozen and trains low-rank matrices": a complete statement,
        # then a new predicate (its subject is inherited). "A and B are trained" stays one clause.
        verb_joint = match.group() not in _NOUN_JOINTS  # 和/与/以及 join nouns ("幅度和方向")
        new_predicate = verb_joint and sum(1 for o in right if not o.entity) >= 2
        new_subject = (  # "B learns first and A gets gradients afterwards"
            verb_joint
            and len({(o.start, o.end) for o in right}) >= 2  # not "train embedding and norm layers"
            and right[0].entity
            and not right[0].negated
            and right[0].concept not in {o.concept for o in left}
        )
        if match.group() == "、" and not (
            not depths[match.start()] and _statement_items(text, occ, match.start(), match.end())
        ):
            continue  # 、 lists things ("比较基座、未合并和合并后的 LoRA") unless it joins two statements
        if _complete(left) and (_complete(right) or new_predicate or new_subject):
            cuts.append(match.start())
    cuts.append(len(text))
    return [
        Segment(text, a, b, raw, sentence, sentence_raw, [o for o in occ if a <= o.start < b])
        for a, b in pairwise(cuts)
    ]


def analyse(answer: str, lexicon: Lexicon) -> list[Segment]:
    """Segments of the answer with concepts spotted, negation resolved and subjects inherited."""
    spotter = spotter_for(lexicon)
    segments: list[Segment] = []
    previous = -1
    last_clause: tuple[str, int, int] | None = None  # (raw text, its concept spans, first segment)
    for clause in split_clauses(answer):
        raw = clause.text
        same_sentence = last_clause is not None and segments[-1].sentence == clause.sentence
        # "分页优化器：…", "Init: B = 0": a label before a colon is read with what follows it; after a
        # statement ("却按 CAUSAL_LM 加载：应该用 …") the colon splits like a comma.
        if clause.after_colon and same_sentence and last_clause is not None and last_clause[1] <= 1:
            raw = f"{last_clause[0]}：{raw}"
            del segments[last_clause[2] :]
        text = normalise(raw)
        occ = spotter.spot(text, sentence_start=clause.sentence != previous)
        previous = clause.sentence
        first = len(segments)
        quoted = tuple(  # prose in quotation marks; a quoted identifier ("q_proj") is still code
            (m.start(), m.end()) for m in QUOTED.finditer(text) if _PROSE.search(m.group()[1:-1])
        )
        for n, seg in enumerate(_bind(text, raw, clause.sentence, clause.sentence_text, occ)):
            seg.quoted = quoted
            seg.after_vs = clause.after_vs and n == 0
            segments.append(seg)
        last_clause = (raw, len({(o.start, o.end) for o in occ}), first)
    # "B, the up-projection, is initialised to zero": a clause without a subject of its own inherits the
    # subjects of the nearest earlier clause of the same sentence that has some.
    # A pronoun ("it is zero", 它为零) also reaches back into the previous sentence.
    last: dict[int, frozenset[str]] = {}
    subjects: dict[int, frozenset[str]] = {}
    latest: frozenset[str] = frozenset()
    # the subject each sentence opened with ("DoRA 改的是参数化，…")
    topic: dict[int, frozenset[str]] = {}
    for seg in segments:
        # "other methods …", "其他方法 …" are about something else: the sentence's subject does not reach them
        other = bool(_OTHER.search(seg.text, seg.start, seg.end))
        opens_with_predicate = bool(seg.occurrences) and not seg.occurrences[0].entity
        if seg.own_entities:
            if latest and _RELATIVE.match(seg.text, seg.start):
                seg.relative = latest  # "call get_peft_model, which swaps the Linears for wrappers"
            elif opens_with_predicate and not other and seg.sentence in topic:
                # "DoRA …, the weight is magnitude times direction (W0+BA)"
                seg.relative = topic[seg.sentence]
            last[seg.sentence] = latest = seg.own_entities
            subjects[seg.sentence] = seg.subjects
            topic.setdefault(seg.sentence, seg.subjects)
        elif _LEADING_JOINT.match(seg.text, seg.start) and seg.sentence in subjects:
            # "keeps W0 frozen and trains …": the subject trains
            seg.inherited = subjects[seg.sentence]
            if not other:
                seg.relative = topic[seg.sentence] - seg.inherited
        elif seg.sentence in last:
            seg.inherited = last[seg.sentence]
            if not other:  # "DoRA …，W' = …，把权重拆成幅度和方向"
                seg.relative = topic[seg.sentence] - seg.inherited
        elif latest and _PRONOUN.match(seg.text, seg.start):
            seg.inherited = latest
    return segments


def _atom_matches(atom: Atom, seg: Segment, lexicon: Lexicon) -> list[object]:
    """Everything in the segment that satisfies the atom, as hashable ids (so a repeated term needs another one)."""
    if atom.is_concept:
        opposite = lexicon.opposite(atom.value)
        out: list[object] = []
        for o in seg.occurrences:
            same = o.concept == atom.value and o.negated == atom.negated
            flipped = bool(opposite) and o.concept == opposite and o.negated != atom.negated
            if same or flipped:  # "not trainable" states `frozen`
                # identified by its span: words that are forms of two concepts (变大 = increase and bigger)
                # state one thing, so they cannot fill two terms of a claim
                out.append((o.start, o.end))
        if not atom.negated and (atom.value in seg.inherited or atom.value in seg.relative):
            out.append(("inherited", atom.value))
        return out
    cues = seg.cues
    if atom.kind == "number":
        form = parse_numeric_form(atom.value)
        return [
            ("at", seg.start + number.start)
            for number in find_numbers(seg.text[seg.start : seg.end])
            if form
            and form.accepts(number)
            and not (seg.mask_quoted and seg.in_quotes(seg.start + number.start))
            and is_negated(seg.text, seg.start + number.start, cues, False) == atom.negated
        ]
    pattern = compiled_form(atom.value)
    if pattern is None:
        return []
    return [
        ("at", match.start())
        for match in pattern.finditer(seg.text, seg.start, seg.end)
        if not (seg.mask_quoted and seg.in_quotes(match.start()))
        and is_negated(seg.text, match.start(), cues, False) == atom.negated
    ]


def _distinct(options: list[list[object]], used: frozenset[object] = frozenset()) -> bool:
    """Whether each term can take its own match (a claim naming `increase` twice needs two increases)."""
    if not options:
        return True
    first, rest = options[0], options[1:]
    return any(item not in used and _distinct(rest, used | {item}) for item in first)


def _alternative_in(alt: Alternative, seg: Segment, lexicon: Lexicon) -> bool:
    options = []
    for term in alt.terms:
        matches = [m for atom in term.atoms for m in _atom_matches(atom, seg, lexicon)]
        if not matches:
            return False
        options.append(list(dict.fromkeys(matches))[:MAX_OPTIONS])
    options.sort(key=len)  # most constrained first keeps the search tiny
    return _distinct(options)


def _relational(alt: Alternative, lexicon: Lexicon) -> bool:
    """A claim relating two things (r and the scaling, AdaLoRA and DoRA) — it may span a comma."""
    entity_terms = [
        t for t in alt.terms if all(a.is_concept and lexicon.is_entity(a.value) for a in t.atoms)
    ]
    return len(entity_terms) >= 2


def _joined(a: Segment, b: Segment) -> Segment:
    """Two adjacent clauses of one sentence read as one ("α 固定时 r 增大，缩放变小")."""
    left = a.text[a.start : a.end]
    shift = len(left) + 3 - b.start
    occurrences = [
        *(replace(o, start=o.start - a.start, end=o.end - a.start) for o in a.occurrences),
        *(replace(o, start=o.start + shift, end=o.end + shift) for o in b.occurrences),
    ]
    text = left + " , " + b.text[b.start : b.end]
    raw = a.sentence_raw if a.raw != b.raw else a.raw
    return Segment(text, 0, len(text), raw, a.sentence, a.sentence_raw, occurrences, a.inherited)


def asserted(segments: list[Segment]) -> list[Segment]:
    """The segments as assertions: a misconception quoted in order to reject it is not stated."""
    return [seg.asserted for seg in segments]


# A learner reviewing the document's code or claims names the mistake to reject it ("文中把大权重给了多数类，
# 方向反了", "the write-up's truncation=True is wrong"): a sentence that calls something wrong is a critique,
# not an assertion of the misconception it describes.
_CRITIQUE = re.compile(
    r"错误|写错|不对|不正确|不准确|有误|有问题|是错的|弄反|搞反|反了|站不住|不成立|自相矛盾|误以为|误区|是 ?bug"
    r"|(?<![A-Za-z])(?:wrong|incorrect|mistaken|mistake|misconception|myth|flawed|is a bug|not true|"
    r"doesn't hold|does not hold|is false)(?![A-Za-z])",
    re.IGNORECASE,
)


# Reported speech: "文中说 …", "按文中的比例 …", "the write-up says …", "with the doc's own split …" attribute
# what follows to the source document (the reference answers do this when they correct it), unless the
# sentence agrees with it ("the write-up is right", "正如文中所说").
_REPORTED = re.compile(
    r"文中|原文|文档[里中说称写]|文章[里中说称写]|资料[里中说]|作者[说称认]|它说|他说|据称|号称"
    r"|(?<![A-Za-z])(?:according to|the (?:doc|docs|document|write-?up|article|post|author|source|notes?|"
    r"tutorial|blog)(?:'s)?(?![A-Za-z])(?! (?:is|was) (?:right|correct))|(?:it|they|he|she) (?:says|claims|said|claimed)"
    r"(?![A-Za-z]))",
    re.IGNORECASE,
)
_ENDORSED = re.compile(
    r"正如|如同.{0,8}所|说得对|没错|是对的|(?<![不])正确|确实|同意|(?<![A-Za-z])(?:is right|are right|was right|"
    r"is correct|correctly|rightly|as the \w+ (?:says|notes|states|shows)|agree)(?![A-Za-z])",
    re.IGNORECASE,
)


def _reported(sentence: str) -> bool:
    """Whether a sentence reports what the source says without agreeing with it."""
    return bool(_REPORTED.search(sentence)) and not _ENDORSED.search(sentence)


def _endorsed(segments: list[Segment]) -> list[Segment]:
    """The asserted segments of sentences that neither criticise nor merely report what they describe."""
    return [
        replace(seg, relative=frozenset()) if seg.relative else seg
        for seg in asserted(segments)
        if not _CRITIQUE.search(seg.sentence_raw) and not _reported(seg.sentence_raw)
    ]


def stated_in(
    claim: Claim, segments: list[Segment], lexicon: Lexicon, misconception: bool = False
) -> Segment | None:
    """The first segment that states the claim (any alternative, all its terms), or None.

    A relational alternative (two entity terms) may also be stated across two adjacent clauses of one
    sentence, each contributing part of it; so may any claim (not a misconception) across "vs" ("head-only
    vs full fine-tuning" compares the two; "warning vs tqdm bar" does not say a bar is a warning)."""
    for seg in segments:
        if any(_alternative_in(alt, seg, lexicon) for alt in claim.alternatives):
            return seg
    relational = [alt for alt in claim.alternatives if _relational(alt, lexicon)]
    if not relational and misconception:
        return None
    for a, b in pairwise(segments):
        if a.sentence != b.sentence or (misconception and b.after_vs):
            continue
        # "下游任务需要变的是上下文表示，主要在 attention 和 FFN 里": a clause of things only completes the
        # predicates of a clause before it that has no things of its own
        completes = not misconception and _predicates_only(a) and _things_only(b)
        joinable = claim.alternatives if b.after_vs or completes else relational
        for alt in joinable:
            if _alternative_in(alt, a, lexicon) or _alternative_in(alt, b, lexicon):
                continue
            if _alternative_in(alt, _joined(a, b), lexicon) and _contributes(alt, a, b, lexicon):
                return _joined(a, b)
    return None


def _predicates_only(seg: Segment) -> bool:
    return bool(seg.occurrences) and not seg.own_entities


def _things_only(seg: Segment) -> bool:
    return bool(seg.occurrences) and all(o.entity and not o.negated for o in seg.occurrences)


def _contributes(alt: Alternative, a: Segment, b: Segment, lexicon: Lexicon) -> bool:
    """Each clause must carry at least one of the claim's terms of its own."""

    def has_term(seg: Segment) -> bool:
        return any(_atom_matches(atom, seg, lexicon) for term in alt.terms for atom in term.atoms)

    return has_term(a) and has_term(b)


def _words(seg: Segment) -> str:
    """The learner's words for a segment: the clause, or its whole sentence when the subject was inherited."""
    return seg.sentence_raw if seg.inherited and not seg.own_entities else seg.raw


def _evidence(segments: list[Segment]) -> str:
    return " … ".join(dict.fromkeys(_words(seg) for seg in segments))


def _hit(item: Misconception, seg: Segment) -> MisconceptionHit:
    return MisconceptionHit(item.name, item.shown_correction, item.shown_evidence, seg.sentence_raw)


def grade_point(index: int, point: KeyPoint, answer: str, segments: list[Segment]) -> PointResult:
    """One key point against the analysed answer."""
    lexicon = point.lexicon
    endorsed = _endorsed(segments) if point.misconceptions else []
    for item in point.misconceptions:
        seg = stated_in(parse_claim(item.claim), endorsed, lexicon, misconception=True)
        if seg is not None:
            return PointResult(
                index, "contradicted", False, 0.0, seg.sentence_raw, point.weight, _hit(item, seg)
            )
    if not point.claims:
        from studykit.grading.legacy import strict_point_score

        score, evidence = strict_point_score(point, answer)
        covered = bool(evidence)
        return PointResult(index, "covered" if covered else "missed", covered, 1.0 if covered else 0.0,
                           evidence, point.weight)  # fmt: skip
    found = [stated_in(parse_claim(claim), segments, lexicon) for claim in point.claims]
    stated = [seg for seg in found if seg is not None]
    score = len(stated) / len(found)
    status: Status = "covered" if score == 1 else "partial" if stated else "missed"
    return PointResult(
        index, status, status == "covered", round(score, 3), _evidence(stated), point.weight
    )


def grade_answer(answer: str, key_points: Sequence[KeyPoint]) -> GradeResult:
    """Which key points the typed answer states, contradicts or misses; weighted coverage; a proposed rating."""
    answered = bool(answer and answer.strip())
    analysed: dict[int, list[Segment]] = {}
    points: list[PointResult] = []
    for index, point in enumerate(key_points):
        if not answered:
            points.append(PointResult(index, "missed", False, 0.0, "", point.weight))
            continue
        lexicon = point.lexicon
        if id(lexicon) not in analysed:
            analysed[id(lexicon)] = analyse(answer, lexicon)
        points.append(grade_point(index, point, answer, analysed[id(lexicon)]))
    total = sum(p.weight for p in points)
    coverage = sum(p.weight * p.score for p in points) / total if total else 0.0
    proposed = None
    if answered:
        proposed = (
            1 if any(p.status == "contradicted" for p in points) else propose_rating(coverage)
        )
    return GradeResult(points, round(coverage, 4), proposed, answered)


def propose_rating(coverage: float) -> int:
    """Coverage -> FSRS rating (1 Again .. 4 Easy)."""
    for cut, rating in RATING_CUTS:
        if coverage < cut:
            return rating
    return 4
