"""Whether the answer's segments state a claim: matched terms, joined clauses, critiques and reported speech."""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import pairwise

from studykit.grading.claims import Alternative, Atom, Claim
from studykit.grading.forms import compiled_form
from studykit.grading.lexicon import Lexicon
from studykit.grading.negation import denied_after, in_not_only, is_negated
from studykit.grading.numbers import find_numbers, parse_numeric_form
from studykit.grading.segments import Segment

MAX_OPTIONS = 32  # matches kept per term when assigning distinct matches: bounded search


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
        and (
            is_negated(seg.text, match.start(), cues, False)
            or in_not_only(seg.text, match.start())
            or denied_after(seg.text, match.end(), seg.end)
        )
        == atom.negated
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


# Attribution: "training embeddings is LongLoRA's recipe", "训练嵌入是 LongLoRA 的做法", "this comes from the
# QLoRA paper" bind the clause's claim to the named method; the learner does not assert it in general.
_NAME_GROUPS = ("n1", "n2", "n3", "n4", "n5", "n6")


def _name(group: str, first: str = "A-Z") -> str:
    """A method's name ("LongLoRA", "Flash Attention"); Chinese text may write it in lower case."""
    return rf"(?P<{group}>[{first}][\w.+-]*(?: [A-Z][\w.+-]*)?)"


_ATTRIBUTED = re.compile(
    rf"(?:是|属于|来自|出自|源自|源于|借鉴自?|照搬)\s*{_name('n1', 'A-Za-z')}\s*(?:论文|paper)?"
    r"\s*(?:里|中)?\s*的\s*(?:做法|方法|配方|方案|思路|技巧|招数|设定|设置|设计|贡献|主张|改进|recipe|trick)"
    rf"|(?:来自|出自|源自|源于)\s*{_name('n2', 'A-Za-z')}\s*(?:论文|paper)"
    r"|(?<![A-Za-z])(?:is|are|was|were|that's|it's|which is)\s+(?:(?:really|actually|just|rather|instead|"
    rf"originally)\s+)?(?:the\s+)?{_name('n3')}(?:\s+paper)?'s?\s+(?:own\s+)?(?:recipe|approach|trick|method|"
    r"idea|setting|setup|design|contribution|choice|practice|proposal|thing)s?(?![A-Za-z])"
    r"|(?<![A-Za-z])(?:comes?|came|is|are|was|were|taken|borrowed)\s+from\s+(?:the\s+)?"
    rf"(?:paper\s+{_name('n4')}|{_name('n5')}\s+paper)"
    rf"|(?<![A-Za-z])(?:proposed|introduced)\s+(?:by|in)\s+(?:the\s+)?{_name('n6')}",
)


def _attribution(seg: Segment) -> frozenset[str] | None:
    """The concepts of the method a clause attributes its claim to (empty when the name is not one we
    know), or None when the clause attributes nothing."""
    match = _ATTRIBUTED.search(seg.text, seg.start, seg.end)
    if not match:
        return None
    group = next(g for g in _NAME_GROUPS if match.group(g))
    start, end = match.span(group)
    return frozenset(o.concept for o in seg.occurrences if start <= o.start < end and o.entity)


# A prohibition is not a claim: "找原因不该看 logit 范围", "不适合的理由：让模型变小", "you should not read the
# logits", "what I wouldn't claim: faster training" reject what follows. What follows the cue is not asserted, unless the cue negates a predicate
# that has an opposite ("不该冻结 W0" does say W0 should be trainable).
_PROHIBITIVE = re.compile(
    r"不该|不应该|不应当|不应|不要|不宜|不适合|不适用|切勿|切忌|不能说|不会说|不敢说|不能声称"
    r"|(?<![A-Za-z])(?:should not|shouldn't|must not|mustn't|ought not|not suitable|not suited|not a reason|"
    r"isn't a reason|is no reason|not a good reason|poor fit|bad fit|"
    r"(?:wouldn't|would not|won't|will not|can't|cannot|don't|do not) (?:claim|say|promise))(?![A-Za-z])",
    re.IGNORECASE,
)


def _without_prohibited(seg: Segment, lexicon: Lexicon) -> Segment:
    cue = _PROHIBITIVE.search(seg.text, seg.start, seg.end)
    if not cue:
        return seg
    after = [o for o in seg.occurrences if o.start >= cue.end()]
    if not after or any(o.negated and lexicon.opposite(o.concept) for o in after):
        return seg
    kept = [o for o in seg.occurrences if o.start < cue.end() or o.negated]
    return replace(seg, occurrences=kept)


def endorsed_segments(segments: list[Segment], lexicon: Lexicon) -> list[Segment]:
    """The asserted segments of sentences that neither criticise nor merely report what they describe,
    without what a prohibition rejects; each knows the method its clause attributes its claim to."""
    out = []
    for seg in asserted(segments):
        if _CRITIQUE.search(seg.sentence_raw) or _reported(seg.sentence_raw):
            continue
        seg = _without_prohibited(seg, lexicon)
        out.append(replace(seg, relative=frozenset(), attributed=_attribution(seg)))
    return out


def learners_own(segments: list[Segment], claim: Claim) -> list[Segment]:
    """The segments as the learner's own assertions of `claim`: a clause that attributes it to a method the
    claim does not name ("… is LongLoRA's recipe") is kept in place (clauses stay adjacent) but says nothing."""
    named = claim.concept_ids()
    return [
        replace(seg, occurrences=[], inherited=frozenset())
        if seg.attributed is not None and not (seg.attributed & named)
        else seg
        for seg in segments
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
        if a.sentence != b.sentence or (misconception and (b.after_vs or _aside(a) or _aside(b))):
            continue  # a misconception is not assembled from a clause and its bracketed aside either
        # "下游任务需要变的是上下文表示，主要在 attention 和 FFN 里": a clause of things only completes the
        # predicates of a clause before it that has no things of its own
        completes = not misconception and (
            (_predicates_only(a) and _things_only(b)) or _topic_phrase(a)
        )
        joinable = claim.alternatives if b.after_vs or completes else relational
        for alt in joinable:
            if _alternative_in(alt, a, lexicon) or _alternative_in(alt, b, lexicon):
                continue
            if _alternative_in(alt, _joined(a, b), lexicon) and _contributes(alt, a, b, lexicon):
                return _joined(a, b)
    return None


# "for knowledge shifts, prefer RAG", "对于小模型，直接全量微调": a short leading condition or topic is read with
# the clause it introduces
_TOPIC_PHRASE = re.compile(
    r"\s*(?:(?:for|if|when|with|under)(?![A-Za-z])|对于|对|如果是|如果|若是|若|当)", re.I
)
TOPIC_PHRASE_MAX_CHARS = 40


def _topic_phrase(seg: Segment) -> bool:
    return (
        bool(seg.occurrences)
        and seg.end - seg.start <= TOPIC_PHRASE_MAX_CHARS
        and _TOPIC_PHRASE.match(seg.text, seg.start) is not None
    )


def _aside(seg: Segment) -> bool:
    """ "选 δ（或在验证集内做 K 折）": the bracketed aside of a clause, read as its own statement."""
    return seg.start < seg.end and seg.text[seg.start] in "(（"


def _predicates_only(seg: Segment) -> bool:
    return bool(seg.occurrences) and not seg.own_entities


def _things_only(seg: Segment) -> bool:
    return bool(seg.occurrences) and all(o.entity and not o.negated for o in seg.occurrences)


def _contributes(alt: Alternative, a: Segment, b: Segment, lexicon: Lexicon) -> bool:
    """Each clause must carry at least one of the claim's terms of its own."""

    def has_term(seg: Segment) -> bool:
        return any(_atom_matches(atom, seg, lexicon) for term in alt.terms for atom in term.atoms)

    return has_term(a) and has_term(b)
