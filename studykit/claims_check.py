"""Authoring checks for claims (issue 11): what `python -m studykit.check` reports per key point.

- a key point without claims (it is graded by the strict phrase fallback until migrated);
- a claim a bare entity or a one-word topic term could win;
- the point's own text (zh, en) that does not state its claims, or that states one of its misconceptions;
- a misconception whose `example`, or the `document_said` of its `from_correction`, does not state it;
- a wrong/misleading correction with no misconception pointing at it;
- an answer-key text (full / interview answer of the question or a follow-up) that, graded as if a learner typed
  it, states one of its own misconceptions, or a main `full` answer proposed below Good.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from studykit.grading.claims import parse_claim, weak_alternatives
from studykit.grading.grader import grade_point
from studykit.grading.segments import analyse
from studykit.grading.stating import asserted, stated_in
from studykit.schema import BankFile, KeyPoint, Question
from studykit.text_fold import CJK_CHAR


@dataclass(frozen=True)
class ClaimIssue:
    kind: str  # missing | weak | self | example | correction
    question: str
    where: str  # "answer.key_points[0]" / "follow_ups[1].key_points[0]"
    loc: tuple[int | str, ...]  # YAML path inside the file, for the line number
    message: str


def _points(question: Question, qi: int) -> Iterator[tuple[str, tuple[int | str, ...], KeyPoint]]:
    for ki, point in enumerate(question.answer.key_points):
        yield f"answer.key_points[{ki}]", ("questions", qi, "answer", "key_points", ki), point
    for fi, follow in enumerate(question.follow_ups):
        for ki, point in enumerate(follow.key_points):
            yield (
                f"follow_ups[{fi}].key_points[{ki}]",
                ("questions", qi, "follow_ups", fi, "key_points", ki),
                point,
            )


def _self_check(point: KeyPoint) -> list[str]:
    out = []
    for lang in ("zh", "en"):
        text = getattr(point.text, lang)
        if not text.strip():
            continue
        result = grade_point(0, point, text, analyse(text, point.lexicon))
        if result.status == "contradicted" and result.misconception:
            out.append(
                f"own {lang} text states its misconception {result.misconception.name.en or result.misconception.name.zh!r}"
            )
            continue
        segments = analyse(text, point.lexicon)
        missing = [
            c for c in point.claims if stated_in(parse_claim(c), segments, point.lexicon) is None
        ]
        if missing:
            out.append(f"own {lang} text {text!r} does not state claim(s) {missing}")
    return out


def _is_code(text: str) -> bool:
    """A quoted code line (`learning_rate=5e-5,  # comment`) states no claim in words: its example must
    show it instead. A trailing `#` comment is part of the code, not prose."""
    code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    prose = len(CJK_CHAR.findall(code))
    return prose < 4 and any(ch in code for ch in "=()[]{}_<>%")


def _triggers(point: KeyPoint, claim: str, text: str) -> bool:
    segments = asserted(analyse(text, point.lexicon))
    return stated_in(parse_claim(claim), segments, point.lexicon, misconception=True) is not None


def _misconception_checks(point: KeyPoint, question: Question) -> list[tuple[int, str]]:
    out = []
    for mi, item in enumerate(point.misconceptions):
        texts = []
        if item.example:
            texts += [("example", lang, getattr(item.example, lang)) for lang in ("zh", "en")]
        if item.source is not None:
            for lang in ("zh", "en"):
                quote = getattr(item.source.document_said, lang)
                if not (item.example and _is_code(quote)):  # a code line: the example shows it
                    texts.append(("document_said", lang, quote))
        for label, lang, text in texts:
            if text.strip() and not _triggers(point, item.claim, text):
                out.append(
                    (
                        mi,
                        f"misconception {item.claim!r}: its {label} ({lang}) does not state it: {text[:80]!r}",
                    )
                )
        if not texts:
            out.append((mi, f"misconception {item.claim!r} has no example to verify it triggers"))
    return out


GOOD = 3  # the proposed rating a reference answer must reach (Good)


def _key_texts(question: Question) -> Iterator[tuple[str, str, str, list[KeyPoint], bool]]:
    """(where, lang, text, key points, must reach Good) for every answer-key text of a question: the full and
    interview answers of the question and of each follow-up. The main `full` answer is the reference; it must
    be graded Good or better. A one-minute interview answer and a follow-up may skip minor points, but no
    answer key may ever state a misconception of its own key points."""
    key = question.answer
    for lang in ("zh", "en"):
        yield "answer.full", lang, getattr(key.full, lang), key.key_points, True
        if key.interview:
            yield "answer.interview", lang, getattr(key.interview, lang), key.key_points, False
    for fi, follow in enumerate(question.follow_ups):
        for lang in ("zh", "en"):
            yield (
                f"follow_ups[{fi}].answer",
                lang,
                getattr(follow.answer, lang),
                follow.key_points,
                False,
            )
            if follow.interview:
                yield (
                    f"follow_ups[{fi}].interview",
                    lang,
                    getattr(follow.interview, lang),
                    follow.key_points,
                    False,
                )


def answer_key_problems(question: Question) -> list[tuple[str, str]]:
    """The question's own answer-key texts graded as if a learner typed them: (where, message) for each text
    that contradicts one of its key points, or a main `full` answer proposed below Good."""
    from studykit.grading import grade_answer

    out = []
    for where, lang, text, points, must_be_good in _key_texts(question):
        if not text.strip() or not points:
            continue
        result = grade_answer(text, points)
        for point in result.contradicted:
            hit = point.misconception
            name = (hit.name.en or hit.name.zh) if hit else "?"
            said = hit.sentence[:80] if hit else ""
            out.append(
                (
                    f"{where}.{lang}",
                    f"states its own misconception {name!r} at key point {point.index}: {said!r}",
                )
            )
        if must_be_good and not result.contradicted and (result.proposed or 0) < GOOD:
            missed = [p.index for p in result.not_covered]
            out.append(
                (
                    f"{where}.{lang}",
                    f"graded {result.proposed} (below Good), coverage {result.coverage:.2f}; "
                    f"key points not covered: {missed}",
                )
            )
    return out


def claim_issues(bank_file: BankFile) -> list[ClaimIssue]:
    """Every claim-authoring problem of one valid bank file."""
    issues: list[ClaimIssue] = []
    lexicon = bank_file.lexicon
    for qi, question in enumerate(bank_file.questions):
        covered_corrections: set[int] = set()
        for where, loc, point in _points(question, qi):
            if not point.claims:
                issues.append(
                    ClaimIssue(
                        "missing",
                        question.id,
                        where,
                        loc,
                        "no claims (graded by the strict fallback)",
                    )
                )
            for ci, claim in enumerate(point.claims):
                for reason in weak_alternatives(parse_claim(claim), lexicon):
                    issues.append(
                        ClaimIssue("weak", question.id, where, (*loc, "claims", ci), reason)
                    )
            for mi, item in enumerate(point.misconceptions):
                if item.from_correction is not None:
                    covered_corrections.add(item.from_correction)
                for reason in weak_alternatives(parse_claim(item.claim), lexicon):
                    issues.append(
                        ClaimIssue("weak", question.id, where, (*loc, "misconceptions", mi), reason)
                    )
            if point.claims:
                for message in _self_check(point):
                    issues.append(ClaimIssue("self", question.id, where, (*loc, "text"), message))
            for mi, message in _misconception_checks(point, question):
                issues.append(
                    ClaimIssue("example", question.id, where, (*loc, "misconceptions", mi), message)
                )
        for where, message in answer_key_problems(question):
            issues.append(
                ClaimIssue("key", question.id, where, ("questions", qi, "answer"), message)
            )
        for index, correction in enumerate(question.answer.corrections):
            if correction.severity in ("wrong", "misleading") and index not in covered_corrections:
                issues.append(
                    ClaimIssue(
                        "correction",
                        question.id,
                        f"answer.corrections[{index}]",
                        ("questions", qi, "answer", "corrections", index),
                        f"{correction.severity} correction has no misconception with from_correction: {index}",
                    )
                )
    return issues
