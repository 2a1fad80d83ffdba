"""Sentence splitting does not break at abbreviations such as w.r.t. / e.g. / vs."""

from studykit.grading.clauses import split_clauses


def _texts(answer: str) -> list[str]:
    return [c.text.strip() for c in split_clauses(answer)]


def test_abbreviations_do_not_end_a_sentence() -> None:
    assert _texts("the gradient w.r.t. A is zero. Next") == [
        "the gradient w.r.t. A is zero",
        "Next",
    ]
    assert _texts("use e.g. q and v. Then stop") == ["use e.g. q and v", "Then stop"]
    assert len(split_clauses("vs. full fine-tuning it is slower")) == 1


def test_a_sentence_ending_in_a_single_letter_still_ends() -> None:
    assert _texts("B = 0 at init. A is random") == ["B = 0 at init", "A is random"]
