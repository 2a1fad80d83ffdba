"""Cut an answer into binding segments: clauses split at conjunctions, concepts spotted, subjects inherited."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import pairwise

from studykit.grading.clauses import bracket_depths, split_clauses
from studykit.grading.lexicon import Lexicon
from studykit.grading.negation import QUOTED, Occurrence, cue_spans
from studykit.grading.normalise import normalise
from studykit.grading.spotting import spotter_for

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
    # misconception view: concepts of the method the clause attributes its claim to ("… is LongLoRA's
    # recipe"; empty for a name outside the lexicon), None when it attributes nothing
    attributed: frozenset[str] | None = None

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
