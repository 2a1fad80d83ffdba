"""Claim-level grading rules (issue 11): negation, A/B and AdaLoRA/DoRA swaps, numbers, formulas, mixed
Chinese/English, single-letter entities, the article "A", and the cap on analysed text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studykit.grading import grade_answer
from studykit.grading.clauses import MAX_ANALYSED_CHARS
from studykit.schema import BankFile, KeyPoint
from tests.support.key_points import misconception as _mis
from tests.support.key_points import point

INIT = point(
    "lora-b + zero",
    "lora-a + random",
    misconceptions=(_mis("lora-a + zero", "A/B swapped"), _mis("lora-b + random", "A/B swapped")),
)
FROZEN = point(
    "base-weights + frozen", misconceptions=(_mis("base-weights + trainable", "W0 trained"),)
)
NO_LATENCY = point(
    "merge + (no-latency | !latency)", misconceptions=(_mis("merge + latency", "adds latency"),)
)


def status(answer: str, kp: KeyPoint) -> str:
    return grade_answer(answer, [kp]).points[0].status


# --- A/B swaps and binding ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "B starts at zero and A is random",
        "B is zero-initialised, A uses Kaiming uniform",
        "B, the up-projection, is initialised to zero. A is random.",
        "B 初始化为 0，A 随机初始化",
        "lora_B 置零，lora_A 用 kaiming 均匀分布",
        "把B设为0，A矩阵用高斯初始化",
        "B matrix 初始化为 zero，A 随机",  # mixed Chinese / English
        "B is zero, A random",  # a clause-initial "A" after a comma is the matrix
        "A random, B zero",  # ... and so is a sentence-initial one not followed by a noun phrase
        "B = 0, A ~ N(0, σ²)",  # the 0 of a Gaussian's mean is not "A is zero"
        "B 置零，A 从 N(0, 0.02) 采样",
    ],
)
def test_init_stated_correctly_is_covered(answer: str) -> None:
    assert status(answer, INIT) == "covered"


@pytest.mark.parametrize(
    "answer",
    [
        "A is initialised to 0 and B randomly; W is replaced by BA",
        "A 初始化为零，B 随机初始化",
        "A = 0, B ~ N(0, σ²) random",
        "lora_A 全零，lora_B 随机",
    ],
)
def test_swapped_init_is_contradicted(answer: str) -> None:
    result = grade_answer(answer, [INIT])
    assert result.points[0].status == "contradicted"
    assert result.points[0].misconception is not None
    assert result.proposed == 1


def test_half_of_the_point_is_partial_credit() -> None:
    result = grade_answer("B is initialised to zero.", [INIT])
    assert result.points[0].status == "partial" and result.points[0].score == 0.5
    assert result.coverage == 0.5


def test_subject_and_predicate_must_share_a_clause() -> None:
    # "zero" and "B" both occur, but in different statements
    assert status("A is random. The loss is zero at the start, B is trained", INIT) == "partial"


# --- negation ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("B is not zero", "missed"),
        ("B 不是零", "missed"),
        ("B 并不是 0", "missed"),
        ("B isn't initialised to zero", "missed"),
        ("B 不是随机的，而是零", "partial"),  # the contrast clause inherits B
        ("B is never random; it is zero, and A is random", "covered"),
    ],
)
def test_negation_in_scope(answer: str, expected: str) -> None:
    assert status(answer, INIT) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("W0 is not updated", "covered"),  # not trainable == frozen
        ("原始权重不更新", "covered"),  # 不 inside the form 不更新 is not a second negation
        ("the base weights are frozen", "covered"),
        ("the base weights are not frozen", "contradicted"),  # not frozen == trainable
        ("预训练权重也参与训练", "contradicted"),
        ("LoRA does not update the pretrained weights", "covered"),
    ],
)
def test_negation_through_opposites(answer: str, expected: str) -> None:
    assert status(answer, FROZEN) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("after merging there is no extra latency", "covered"),
        ("merged weights add no latency at inference", "covered"),
        ("合并后无额外推理延迟", "covered"),
        ("合并后不会增加推理延迟", "covered"),
        ("merging adds latency", "contradicted"),
    ],
)
def test_forms_that_contain_their_own_negation(answer: str, expected: str) -> None:
    assert status(answer, NO_LATENCY) == expected


def test_not_only_is_not_a_negation() -> None:
    assert status("not only B: the base weights are frozen too", FROZEN) == "covered"


# --- single letters, the article "A" -----------------------------------------------------------------


def test_single_letters_are_case_sensitive_and_standalone() -> None:
    assert status("b is zero", INIT) == "missed"  # lower-case b is not the matrix B
    assert status("BA is zero", INIT) == "missed"  # BA names neither A nor B alone
    assert status("the bias B is zero", INIT) == "partial"


def test_sentence_initial_article_a_is_not_matrix_a() -> None:
    assert status("A zero matrix is added at first.", INIT) == "missed"
    assert status("A is zero at first.", INIT) == "contradicted"
    assert status("A random init is common.", INIT) == "missed"
    assert (
        status("A random matrix is used for the down-projection.", INIT) == "partial"
    )  # that is A


def test_single_letter_never_covers_alone() -> None:
    assert status("B", INIT) == "missed"
    assert status("A and B, W and r", INIT) == "missed"


# --- AdaLoRA vs DoRA (file-local concepts) --------------------------------------------------------


VARIANTS = BankFile.model_validate(
    {
        "schema_version": 1,
        "document": "test.txt",
        "title": {"zh": "测试", "en": "test"},
        "concepts": {
            "magnitude-direction": {
                "zh": ["幅度和方向", "幅值与方向", "幅度与方向"],
                "en": ["magnitude and direction", "magnitude/direction"],
            },
            "rank-budget": {
                "zh": ["秩分配", "分配秩", "动态分配秩", "剪枝奇异值"],
                "en": ["rank budget", "allocates rank", "adaptive rank", "prunes singular values"],
            },
        },
        "questions": [
            {
                "id": "t-variants",
                "source": {"section": {"zh": "一", "en": "one"}},
                "tags": ["lora-basics"],
                "difficulty": 1,
                "kind": "concept",
                "question": {"zh": "AdaLoRA 和 DoRA？", "en": "AdaLoRA and DoRA?"},
                "answer": {
                    "full": {"zh": "见要点", "en": "see points"},
                    "key_points": [
                        {
                            "text": {
                                "zh": "DoRA 把权重分解为幅度和方向",
                                "en": "DoRA splits weights into magnitude and direction",
                            },
                            "claims": ["dora + magnitude-direction"],
                            "misconceptions": [
                                _mis("adalora + magnitude-direction", "AdaLoRA/DoRA swapped")
                            ],
                        },
                        {
                            "text": {
                                "zh": "AdaLoRA 动态分配秩",
                                "en": "AdaLoRA allocates rank adaptively",
                            },
                            "claims": ["adalora + rank-budget"],
                            "misconceptions": [_mis("dora + rank-budget", "AdaLoRA/DoRA swapped")],
                        },
                    ],
                },
            }
        ],
    }
)
VARIANT_POINTS = VARIANTS.questions[0].answer.key_points


def test_adalora_dora_stated_right() -> None:
    answer = "DoRA decomposes the weight into magnitude and direction, while AdaLoRA allocates rank by importance."
    result = grade_answer(answer, VARIANT_POINTS)
    assert [p.status for p in result.points] == ["covered", "covered"]


def test_adalora_dora_swapped_throughout() -> None:
    answer = "AdaLoRA 把权重分解为幅度和方向；DoRA 动态分配秩。"
    result = grade_answer(answer, VARIANT_POINTS)
    assert [p.status for p in result.points] == ["contradicted", "contradicted"]
    assert result.proposed == 1
    assert "AdaLoRA" in result.points[0].misconception.sentence


# --- numbers and formulas ----------------------------------------------------------------------------


LR = point("learning-rate + '=1e-4'")


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("learning rate 1e-4", "covered"),
        ("学习率 10^-4", "covered"),
        ("lr = 1×10⁻⁴", "covered"),
        ("the learning rate is 0.0001", "covered"),
        ("learning rate 1e-3", "missed"),
        ("学习率不是 1e-4", "missed"),
    ],
)
def test_equivalent_numbers(answer: str, expected: str) -> None:
    assert status(answer, LR) == expected


@pytest.mark.parametrize(
    ("claim", "answer", "expected"),
    [
        ("trainable-params + '=14991360'", "可训练参数 14,991,360 个", "covered"),
        ("trainable-params + '=14991360'", "trainable parameters: about 1499.136万", "covered"),
        ("params + '=8M'", "ESM-2 has 8M parameters", "covered"),
        ("params + '=8e6'", "参数量 800万", "covered"),
        ("params + '=1.5B'", "1.5B parameters", "covered"),
        ("trainable-params + '=50%'", "trainable parameters are 50%", "covered"),
        ("trainable-params + '=50%'", "trainable parameters are 0.5 of the total", "covered"),
        ("trainable-params + '=0.5'", "trainable parameters are 50%", "missed"),
        ("dropout + '=0.05~0.1'", "lora_dropout 0.08", "covered"),
        ("dropout + '=0.05~0.1'", "lora_dropout 0.3", "missed"),
        ("params + '=2k'", "params 2,000", "covered"),
    ],
)
def test_numbers(claim: str, answer: str, expected: str) -> None:
    assert status(answer, point(claim)) == expected


@pytest.mark.parametrize(
    ("claim", "answer", "expected"),
    [
        ("'α/r'", "the scale is alpha / r", "covered"),
        ("'α/r'", "scaling = lora_alpha/r", "covered"),
        ("'α/r'", "缩放为 \\frac{\\alpha}{r}", "covered"),
        ("'α/r'", "scaling is r/alpha", "missed"),
        ("'α/√r'", "rsLoRA uses alpha/sqrt(r)", "covered"),
        ("'α/√r'", "rsLoRA 用 α/√r", "covered"),
        ("'ΔW=BA'", "delta W = B A", "covered"),
        ("'ΔW=BA'", "dW=BA", "covered"),
        ("'r(d+k)' || '2dr'", "每层参数量 r (d + k)", "covered"),
        ("'r(d+k)' || '2dr'", "it is 2dr when d=k", "covered"),
        ("'r(d+k)' || '2dr'", "it is dr", "missed"),
    ],
)
def test_formulas(claim: str, answer: str, expected: str) -> None:
    assert status(answer, point(claim)) == expected


# --- directions --------------------------------------------------------------------------------------


SCALE = point(
    "rank + increase + scaling + decrease",
    misconceptions=(_mis("rank + increase + scaling + increase", "larger r, larger scale"),),
)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("with alpha fixed, a larger r gives a smaller scaling", "covered"),
        ("α 固定时 r 增大，缩放变小", "covered"),  # a claim relating two things may span a comma
        ("r 增大，缩放也增大", "contradicted"),
        ("α 固定时 r 增大则缩放变小", "covered"),
        ("a larger r gives a larger scaling", "contradicted"),
        ("r 越大缩放越大", "missed"),  # 越大 is not in the core lexicon: no claim either way
    ],
)
def test_direction_is_bound(answer: str, expected: str) -> None:
    assert status(answer, SCALE) == expected


# --- cost is bounded ---------------------------------------------------------------------------------


def test_text_beyond_the_cap_is_not_read() -> None:
    filler = "这是一段与问题无关的文字。" * (MAX_ANALYSED_CHARS // 12 + 10)
    late = grade_answer(filler + "B 初始化为零，A 随机。", [INIT])
    early = grade_answer("B 初始化为零，A 随机。" + filler, [INIT])
    assert late.points[0].status == "missed" and early.points[0].status == "covered"


def test_a_huge_answer_of_numbers_and_cues_grades() -> None:
    answer = ("not 1e-4 不 0.0001 A B " * 3000)[:20000]
    assert grade_answer(answer, [INIT, LR, FROZEN]).answered


# --- hostile input -----------------------------------------------------------------------------------

_PIECES = [
    "A", "B", "W", "r", "α", "0", "1e-4", "10^-4", "×10⁻⁴", "14,991,360", "8M", "万", "%", "~",
    "不", "没有", "非", "not ", "no ", "n't", "non-", "，", "。", "; ", ". ", ": ", "\n", " and ", "和",
    "but ", "而是", "it ", "它", "zero", "零", "random", "随机", "frozen", "不更新", "trainable",
    "(", ")", "/", "√", "delta W", "lora_alpha", "sqrt(", "\\frac{", "}", "{", "'", '"', "*", "^",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=5), max_size=300))
def test_any_text_grades_without_error(pieces: list[str]) -> None:
    answer = "".join(pieces)
    result = grade_answer(answer, [INIT, FROZEN, NO_LATENCY, LR, SCALE])
    assert 0.0 <= result.coverage <= 1.0
    assert all(0.0 <= p.score <= 1.0 for p in result.points)
    assert (result.proposed is None) == (not answer.strip())
    for p in result.points:
        assert (p.status == "contradicted") == (p.misconception is not None)


def test_one_typo_in_a_long_word_is_tolerated() -> None:
    params = point("trainable-params + decrease || params + decrease")
    assert status("the number of paramters is reduced", params) == "covered"
    assert status("gradiants are zero for B", point("gradients + zero")) == "covered"
    assert status("the merging step", point("merge + 'step'")) == "covered"  # exact forms still win
    assert status("short wrds like lrager are not guessed", SCALE) == "missed"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("A 和 B 分别初始化为随机和零", "covered"),
        ("A and B are initialised randomly and to zero respectively", "covered"),
        ("A 和 B 分别初始化为零和随机", "contradicted"),
        ("A and B are zero and random respectively", "contradicted"),
    ],
)
def test_respectively_pairs_subjects_with_predicates_in_order(answer: str, expected: str) -> None:
    assert status(answer, INIT) == expected


@pytest.mark.parametrize(
    "answer",
    [
        "LoRA 和全量微调的区别在于 LoRA 冻结原始权重",
        "特别是原始权重保持冻结",
        "不仅如此，原始权重也保持冻结",
    ],
)
def test_words_containing_a_cue_character_are_not_negations(answer: str) -> None:
    assert status(answer, FROZEN) == "covered"


def test_a_colon_after_a_label_reads_as_one_clause() -> None:
    scaled = point("alpha + learning-rate + '=2'")
    assert status("lora_alpha=32：使得有效学习率=32/16=2倍", scaled) == "covered"  # label: its text
    assert status("Init: B = 0, A random", INIT) == "covered"


def test_a_colon_after_a_statement_splits_like_a_comma() -> None:
    assert status("the base model is loaded in 4-bit: it stays frozen", FROZEN) == "covered"
    assert status("W0 is quantised to 4-bit: only the adapters are trained", FROZEN) == "missed"


def test_a_quoted_misconception_that_is_rejected_is_not_stated() -> None:
    assert status("说“A 初始化为零”是错的：B 初始化为零，A 随机", INIT) == "covered"
    assert status('The claim "A is zero" is wrong; B is zero and A random', INIT) == "covered"
    assert status("A is zero", INIT) == "contradicted"


def test_an_aside_in_brackets_is_its_own_statement() -> None:
    assert status("B is initialised to 0 (A with kaiming-uniform in PEFT)", INIT) == "covered"
    assert status("初始化 B=0（PEFT 中 A 用 kaiming-uniform）", INIT) == "covered"
    assert status("A is zero (B random)", INIT) == "contradicted"


@pytest.mark.parametrize(
    "answer",
    [
        "LoRA freezes W0 and trains A and B",
        "LoRA 冻结 W0 并训练 A 和 B",
        "LoRA keeps the pretrained weights frozen and trains low-rank matrices",
        "LoRA keeps the pretrained weights frozen, and trains low-rank matrices",
        "W0 is frozen and not updated",
    ],
)
def test_a_second_predicate_after_and_belongs_to_the_subject(answer: str) -> None:
    assert status(answer, FROZEN) == "covered"  # never "W0 is trained"


def test_a_new_subject_after_and_starts_a_new_statement() -> None:
    learns_first = point(
        "lora-b + trainable",
        misconceptions=(_mis("lora-a + trainable + 'first'", "A learns first"),),
    )
    answer = "so B learns first and A gets gradients afterwards"
    assert status(answer, learns_first) == "covered"
    assert (
        status("train the embeddings and gradients flow", point("embeddings + trainable"))
        == "covered"
    )


# --- critique: naming a mistake to reject it is not stating it ------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "The document says A is initialised to zero, which is wrong: B is zero and A is random.",
        "文中说 A 初始化为 0，这是错误的；B 为 0，A 随机。",
    ],
)
def test_a_sentence_that_calls_the_misconception_wrong_does_not_contradict(answer: str) -> None:
    assert status(answer, INIT) != "contradicted"


def test_the_same_misconception_stated_plainly_still_contradicts() -> None:
    assert status("A is initialised to zero and B is random.", INIT) == "contradicted"
