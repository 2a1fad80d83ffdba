"""Engine rules added after the first evaluation round (issue 11), each in Chinese and English: questions that
look like negations, 、 lists, reported speech, "vs", one span filling one term, indexed matrix names,
summation signs, numbers with a spaced unit and straight single quotes."""

from __future__ import annotations

import pytest

from studykit.grading import grade_answer
from studykit.grading.lexicon import core_lexicon
from studykit.grading.normalise import normalise
from studykit.grading.numbers import find_numbers
from studykit.grading.spotting import spotter_for
from studykit.schema import BankFile, KeyPoint
from tests.support.key_points import point

INIT = point(
    "lora-b + zero", "lora-a + random", misconceptions=("lora-a + zero", "lora-b + random")
)


def status(answer: str, kp: KeyPoint) -> str:
    return grade_answer(answer, [kp]).points[0].status


def negated(text: str, concept: str) -> bool:
    """Whether `concept` is spotted negated in one clause (it must be spotted)."""
    found = [o for o in spotter_for(core_lexicon()).spot(normalise(text)) if o.concept == concept]
    assert found, f"{concept} not spotted in {text!r}"
    return found[0].negated


# --- questions are not negations --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "检查 W0 是不是冻结的",
        "先看 W0 有没有冻结",
        "W0 能不能保持冻结",
        "需不需要冻结 W0",
        "check whether or not W0 is frozen",
    ],
)
def test_a_question_that_contains_a_negation_word_does_not_negate(text: str) -> None:
    assert not negated(text, "frozen")


@pytest.mark.parametrize("text", ["W0 不是冻结的", "W0 没有冻结", "W0 is not frozen"])
def test_a_real_negation_still_negates(text: str) -> None:
    assert negated(text, "frozen")


# --- 、 joins two statements only when each starts with its subject ------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "A 随机初始化、B 初始化为 0",
        "B 初始化为 0、A 随机",
        "A is random; B is initialised to zero",
        "B is zero, A random",
    ],
)
def test_two_statements_listed_with_a_comma_are_read_apart(answer: str) -> None:
    assert status(answer, INIT) == "covered"  # never "A is zero"


@pytest.mark.parametrize(
    "answer", ["A、B 都初始化为 0", "A 和 B 都初始化为 0", "A and B are both initialised to zero"]
)
def test_a_list_of_subjects_shares_its_predicate(answer: str) -> None:
    assert status(answer, INIT) == "contradicted"


def test_a_list_inside_brackets_is_not_split() -> None:
    zero_lr = point("learning-rate + decrease + '=0.1'")
    assert status("学习率降低(如 0.1、0.01)", zero_lr) == "covered"


# --- reported speech ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "文中说 A 初始化为 0。实际上 B 初始化为 0，A 随机。",
        "按原文的写法 A 初始化为 0。B 初始化为 0，A 随机才对。",
        "The write-up says A is initialised to zero. In fact B is zero and A is random.",
        "According to the document A is zero. B is zero and A is random.",
    ],
)
def test_what_the_document_says_is_not_the_learners_claim(answer: str) -> None:
    assert status(answer, INIT) == "covered"


@pytest.mark.parametrize(
    "answer",
    [
        "正如文中所说，A 初始化为 0，B 随机。",
        "文中说得对：A 初始化为 0。",
        "The write-up is right: A is initialised to zero and B is random.",
        "As the document says, A is zero.",
    ],
)
def test_agreeing_with_the_document_states_the_misconception(answer: str) -> None:
    assert status(answer, INIT) == "contradicted"


def test_a_misconception_stated_without_the_document_still_contradicts() -> None:
    assert status("A 初始化为 0，B 随机。", INIT) == "contradicted"
    assert status("A is initialised to zero and B is random.", INIT) == "contradicted"


# --- vs ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "(B 为 0 vs A 随机)",
        "B = 0 vs A random",
        "B 是 0；相比之下 A 随机",
    ],
)
def test_vs_sets_two_statements_apart(answer: str) -> None:
    assert status(answer, INIT) == "covered"


@pytest.mark.parametrize(
    "answer", ["LoRA vs full fine-tuning: compare both on one split", "对比 LoRA vs 全量微调"]
)
def test_a_claim_may_relate_the_two_sides_of_vs(answer: str) -> None:
    assert status(answer, point("lora + full-ft + ('compare' | '对比')")) == "covered"


@pytest.mark.parametrize("answer", ["A 随机 vs B 为 0", "A random vs B = 0"])
def test_a_misconception_never_joins_the_two_sides_of_vs(answer: str) -> None:
    swapped = point(misconceptions=("lora-a + lora-b + zero",))
    assert status(answer, swapped) != "contradicted"
    assert status(answer.replace("vs", "and"), swapped) == "contradicted"


def test_vs_between_numbers_compares_values() -> None:
    rate = point("learning-rate + '=1e-4'")
    assert status("学习率 1e-5 vs 1e-4", rate) == "covered"
    assert status("learning rate 1e-5 vs 1e-4", rate) == "covered"


# --- one span fills one term -----------------------------------------------------------------------


@pytest.mark.parametrize(("word", "answer"), [("不变", "r 不变"), ("unchanged", "r is unchanged")])
def test_a_word_of_two_concepts_fills_only_one_term(word: str, answer: str) -> None:
    assert word in answer
    assert status(answer, point("rank + frozen + same")) == "missed"
    assert status(answer, point("rank + (frozen | same)")) == "covered"


# --- indexed names, sums, numbers, quotes ------------------------------------------------------------


@pytest.mark.parametrize("answer", ["B_i 初始化为 0，A_i 随机", "B_1 is zero and A_1 is random"])
def test_an_indexed_matrix_is_the_matrix(answer: str) -> None:
    assert status(answer, INIT) == "covered"


def test_an_identifier_that_starts_with_a_letter_is_not_the_matrix() -> None:
    assert status("B_proj is zero and A_proj is random", INIT) == "missed"


@pytest.mark.parametrize(
    "answer",
    [
        "W' = W + sum_i λ_i B_i A_i",
        r"W' = W + \sum_{i} λ_i B_i A_i",
        "合并：W' = W + ∑ λ_i B_i A_i",
    ],
)
def test_summation_signs_meet_as_sigma(answer: str) -> None:
    assert status(answer, point("'W+Σ'")) == "covered"


@pytest.mark.parametrize(
    ("text", "value"), [("1.08 亿", 1.08e8), ("108 M", 1.08e8), ("3 万步", 3e4)]
)
def test_a_space_before_the_unit_keeps_the_multiplier(text: str, value: float) -> None:
    assert [n.value for n in find_numbers(normalise(text))] == [value]


@pytest.mark.parametrize(
    "answer",
    [
        "The old 'A is zero' story comes from elsewhere; B is zero and A is random.",
        "老说法 'A 初始化为 0' 来自别处；B 初始化为 0，A 随机。",
    ],
)
def test_straight_single_quotes_mention_rather_than_state(answer: str) -> None:
    assert status(answer, INIT) == "covered"


def test_an_apostrophe_is_not_a_quote() -> None:
    assert status("it's A that's initialised to zero, and B is random", INIT) == "contradicted"


# --- a relative pronoun carries the previous clause's subject -----------------------------------------


@pytest.mark.parametrize(
    "answer",
    ["Use QLoRA, which quantises the base model to 4-bit", "用 QLoRA，它把基座模型量化到 4-bit"],
)
def test_which_and_it_refer_back_even_with_things_of_their_own(answer: str) -> None:
    assert status(answer, point("qlora + quantize")) == "covered"


@pytest.mark.parametrize(
    "answer",
    [
        "QLoRA 很流行，其他方法也把基座模型量化",
        "QLoRA is popular, and other methods quantise the base model",
    ],
)
def test_another_subject_does_not_inherit(answer: str) -> None:
    assert status(answer, point("qlora + quantize")) == "missed"


# --- a negation inside quotation marks stays inside them ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'predicting "不相似" leaves W0 frozen',
        "“不是这样”之后 W0 保持冻结",
        "the 'not now' flag leaves W0 frozen",
    ],
)
def test_a_quoted_negation_does_not_reach_outside_the_quote(text: str) -> None:
    assert not negated(text, "frozen")


@pytest.mark.parametrize("text", ['W0 is not "frozen"', "W0 不是“冻结”的"])
def test_a_negation_outside_reaches_into_a_quote(text: str) -> None:
    assert negated(text, "frozen")


# --- the sentence's opening subject reaches its later clauses (for claims only) -------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "QLoRA saves memory, 4-bit quantisation of the base weights",
        "QLoRA 省显存，量化基座权重到 4-bit",
        "QLoRA saves memory, W0 stays frozen, quantised to 4-bit",
        "QLoRA 省显存，W0 冻结，量化到 4-bit",
    ],
)
def test_a_later_clause_of_the_sentence_is_still_about_its_opening_subject(answer: str) -> None:
    assert status(answer, point("qlora + quantize")) == "covered"
    assert status(answer, point(misconceptions=("qlora + quantize",))) != "contradicted"


# --- a form that starts inside a negation cue is still negated ----------------------------------------


GATHER = BankFile.model_validate(
    {
        "schema_version": 1,
        "document": "test.txt",
        "title": {"zh": "测试", "en": "test"},
        "concepts": {
            "needs-gather": {"zh": ["需要 all-gather", "需要"], "en": ["need all-gather"]}
        },
        "questions": [
            {
                "id": "t-gather",
                "source": {"section": {"zh": "一", "en": "one"}},
                "tags": ["lora-basics"],
                "difficulty": 1,
                "kind": "concept",
                "question": {"zh": "通信？", "en": "communication?"},
                "answer": {
                    "full": {"zh": "见要点", "en": "see points"},
                    "key_points": [
                        {
                            "text": {
                                "zh": "LoRA 不需要 all-gather",
                                "en": "LoRA needs no all-gather",
                            },
                            "claims": ["lora + !needs-gather"],
                        }
                    ],
                },
            }
        ],
    }
)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("LoRA 不需要 all-gather", "covered"),  # the cue 不需要 overlaps the form 需要 all-gather
        ("LoRA 并不需要", "covered"),
        ("LoRA does not need all-gather", "covered"),
        ("LoRA 需要 all-gather", "missed"),
    ],
)
def test_a_form_inside_a_cue_keeps_the_negation(answer: str, expected: str) -> None:
    assert status(answer, GATHER.questions[0].answer.key_points[0]) == expected


# --- lexicon and article additions --------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer", ["A initialised randomly, B zero", "A initialized at random; B zero"]
)
def test_a_sentence_initial_a_before_an_init_word_is_the_matrix(answer: str) -> None:
    assert status(answer, INIT) == "covered"


@pytest.mark.parametrize("answer", ["把 W0 冻住", "W0 stays frozen"])
def test_common_words_for_frozen(answer: str) -> None:
    assert status(answer, point("base-weights + frozen")) == "covered"


# --- a negation does not reach into an aside in brackets ---------------------------------------------


@pytest.mark.parametrize(
    "text", ["it is not cheap (W0 stays frozen all the time)", "这不便宜（W0 一直冻结）"]
)
def test_a_cue_does_not_reach_into_an_open_bracket(text: str) -> None:
    assert not negated(text, "frozen")


@pytest.mark.parametrize(
    "text", ["W0 is not (as often said) frozen", "W0 并没有（像常说的那样）冻结"]
)
def test_a_closed_aside_between_cue_and_predicate_keeps_the_negation(text: str) -> None:
    assert negated(text, "frozen")


# --- a clause of things only completes the predicates before it (claims only) --------------------------


@pytest.mark.parametrize(
    "answer",
    ["训练时需要冻结的，主要是 W0", "what stays frozen during training, mostly W0"],
)
def test_a_clause_of_things_completes_a_clause_of_predicates(answer: str) -> None:
    assert status(answer, point("base-weights + frozen")) == "covered"
    assert status(answer, point(misconceptions=("base-weights + frozen",))) != "contradicted"
