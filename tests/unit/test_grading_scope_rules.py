"""Scope rules of the claim grader (issue 11, fourth round), through `grade_answer`, in Chinese and English:
a claim attributed to a named method, straight single quotes around a clause with a comma, prohibitions
("不该 …", "不适合的理由：…", "should not …"), and the gradient's own scale is not LoRA's scaling."""

from __future__ import annotations

import pytest

from studykit.grading import grade_answer
from studykit.schema import KeyPoint
from tests.support.key_points import point


def status(answer: str, kp: KeyPoint) -> str:
    return grade_answer(answer, [kp]).points[0].status


EMBEDDINGS = point("embeddings + frozen", misconceptions=("embeddings + trainable",))
QLORA_EMBEDDINGS = point("embeddings + frozen", misconceptions=("qlora + embeddings + trainable",))


# --- attribution binds the claim to the named method -------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "嵌入层保持冻结，训练嵌入层是 LongLoRA 的做法。",
        "The embeddings stay frozen; training the embeddings is LongLoRA's recipe.",
        "The embeddings stay frozen. Training the embeddings comes from the LongLoRA paper.",
        "嵌入层保持冻结；训练嵌入层来自 LongLoRA 论文。",
    ],
)
def test_a_claim_attributed_to_another_method_is_not_the_learners(answer: str) -> None:
    assert status(answer, EMBEDDINGS) == "covered"


@pytest.mark.parametrize("answer", ["QLoRA 还会训练嵌入层。", "QLoRA also trains the embeddings."])
def test_the_same_claim_stated_plainly_still_contradicts(answer: str) -> None:
    assert status(answer, EMBEDDINGS) == "contradicted"


@pytest.mark.parametrize(
    "answer",
    ["训练嵌入层是 QLoRA 的做法。", "Training the embeddings is QLoRA's recipe."],
)
def test_attributing_it_to_the_method_the_misconception_names_still_contradicts(
    answer: str,
) -> None:
    assert status(answer, QLORA_EMBEDDINGS) == "contradicted"


# --- straight single quotes around a clause with a comma ----------------------------------------------

FFN_FIRST = point("ffn + trainable", misconceptions=("attention + trainable",))


@pytest.mark.parametrize(
    "answer",
    [
        "Train the FFN too, so 'train the attention, leave the rest' is a poor default.",
        "FFN 也要训练，所以 'train the attention, leave the rest' 不是好的默认。",
    ],
)
def test_a_single_quoted_clause_with_a_comma_is_mentioned_not_stated(answer: str) -> None:
    assert status(answer, FFN_FIRST) == "covered"


def test_apostrophes_do_not_open_a_quotation() -> None:
    answer = "The model's attention is trained, and it's the FFN's job to wait."
    assert status(answer, FFN_FIRST) == "contradicted"


# --- a prohibition rejects what follows it ----------------------------------------------------------

EDGE = point("lora + !decrease + base-weights", misconceptions=("lora + decrease + base-weights",))


@pytest.mark.parametrize(
    "answer",
    [
        "不适合的理由：让基座模型变小，LoRA 不缩小基座。",
        "LoRA 不该用来让基座模型变小。",
        "You should not use LoRA to make the base model smaller.",
    ],
)
def test_what_a_prohibition_rejects_is_not_claimed(answer: str) -> None:
    assert status(answer, EDGE) != "contradicted"


@pytest.mark.parametrize("answer", ["LoRA 让基座模型变小。", "LoRA makes the base model smaller."])
def test_without_the_prohibition_the_misconception_is_stated(answer: str) -> None:
    assert status(answer, EDGE) == "contradicted"


@pytest.mark.parametrize("answer", ["不该冻结 W0。", "You should not freeze W0."])
def test_a_prohibited_predicate_with_an_opposite_still_states_it(answer: str) -> None:
    kp = point("base-weights + frozen", misconceptions=("base-weights + trainable",))
    assert status(answer, kp) == "contradicted"


# --- the gradient's own scale is not LoRA's scaling ---------------------------------------------------

COUPLED = point(
    "scaling + learning-rate", misconceptions=("scaling + learning-rate + 'independent'",)
)


@pytest.mark.parametrize(
    "answer",
    [
        "Adam's step size is independent of the gradient scale and about the lr.",
        "Adam 的步长与梯度尺度无关，约等于 lr。",
    ],
)
def test_the_gradient_scale_is_not_the_lora_scaling(answer: str) -> None:
    assert status(answer, COUPLED) != "contradicted"


def test_the_lora_scaling_said_independent_of_the_lr_contradicts() -> None:
    assert status("The scaling is independent of the learning rate.", COUPLED) == "contradicted"


# --- a number after "position" / 位置 names a place, not a value ---------------------------------------

INIT = point("lora-b + zero", "lora-a + random", misconceptions=("lora-a + zero",))


@pytest.mark.parametrize(
    "answer",
    [
        "A sits at index 0 of the pair, B at index 1; B is zero and A is random.",
        "A 在位置 0，B 在位置 1；B 初始化为零，A 随机初始化。",
    ],
)
def test_a_position_number_is_not_a_zero(answer: str) -> None:
    assert status(answer, INIT) == "covered"


@pytest.mark.parametrize("answer", ["A is initialised to 0.", "A 初始化为 0。"])
def test_a_zero_value_still_counts(answer: str) -> None:
    assert status(answer, INIT) == "contradicted"


# --- a label's negation stays before its colon; a rejection frame rejects what follows ----------------

FROZEN = point("base-weights + frozen", misconceptions=("base-weights + !frozen",))


@pytest.mark.parametrize(
    "answer",
    [
        "代码跑不了：W0 冻结，只训练 A、B。",
        "This can't run as is: W0 is frozen and only A, B train.",
    ],
)
def test_a_negation_in_a_label_does_not_reach_past_its_colon(answer: str) -> None:
    assert status(answer, FROZEN) == "covered"


@pytest.mark.parametrize(
    "answer",
    ["What I wouldn't claim: the base model is trainable.", "我不能说：基座模型也在训练。"],
)
def test_a_rejection_frame_is_not_a_claim(answer: str) -> None:
    kp = point("base-weights + frozen", misconceptions=("base-weights + trainable",))
    assert status(answer, kp) != "contradicted"


# --- a misconception is not assembled from a clause and its bracketed aside ---------------------------

BOTH_ZERO = point("lora-b + zero", misconceptions=("lora-a + lora-b + zero",))


@pytest.mark.parametrize(
    "answer",
    [
        "B 初始化为零（A 用 kaiming 随机初始化）。",
        "B is initialised to zero (A is random, kaiming).",
    ],
)
def test_an_aside_does_not_complete_a_misconception(answer: str) -> None:
    assert status(answer, BOTH_ZERO) == "covered"


@pytest.mark.parametrize(
    "answer", ["A 和 B 都初始化为零。", "A and B are both initialised to zero."]
)
def test_the_same_things_in_one_clause_still_contradict(answer: str) -> None:
    assert status(answer, BOTH_ZERO) == "contradicted"


# --- 也 / 就 / 却 open a new verb phrase that a negation before them does not reach ----------------

ZERO_LATENCY = point("merge + no-latency", misconceptions=("no-latency + !merge",))


@pytest.mark.parametrize(
    "answer", ["不合并也是零延迟。", "LoRA is zero latency even without merging."]
)
def test_a_negation_does_not_reach_past_ye(answer: str) -> None:
    assert status(answer, ZERO_LATENCY) == "contradicted"


@pytest.mark.parametrize(
    "answer",
    [
        "不合并不是零延迟，合并后才是零延迟。",
        "Without merging it is not zero latency; merged it is zero latency.",
    ],
)
def test_a_negated_zero_latency_is_not_the_misconception(answer: str) -> None:
    assert status(answer, ZERO_LATENCY) == "covered"


# --- LaTeX: \, is a thin space, \frac keeps its brackets, \nabla is ∇ ---------------------------------


@pytest.mark.parametrize(
    "answer",
    [r"$h = W_0x + \frac{\alpha}{r}B\,A\,x$", r"前向：$h=W_0x+\frac{\alpha}{r}B\,A\,x$"],
)
def test_latex_forward_formula_states_the_scaled_branch(answer: str) -> None:
    kp = point("'α/r' + lora-b + lora-a")
    assert status(answer, kp) == "covered"


def test_nabla_names_the_gradient() -> None:
    kp = point("'∇_W' + !'computed'")
    assert status(r"$\nabla_W$ is never computed", kp) == "covered"


# --- a short leading condition or topic is read with the clause it introduces --------------------------

SMALL_MODEL = point("full-ft + base-weights")


@pytest.mark.parametrize(
    "answer",
    [
        "For a small base model, full fine-tuning is often better.",
        "对于小的基座模型，全量微调往往更好。",
    ],
)
def test_a_leading_topic_phrase_is_read_with_its_clause(answer: str) -> None:
    assert status(answer, SMALL_MODEL) == "covered"


# --- everyday words for the frozen base; a separable "roll … back" ------------------------------------


@pytest.mark.parametrize(
    "answer",
    ["原来的权重不动，只训练 A 和 B。", "The original weights stay untouched; only A and B train."],
)
def test_everyday_words_for_a_frozen_base(answer: str) -> None:
    assert status(answer, point("base-weights + frozen")) == "covered"


def test_a_separable_roll_back_is_a_rollback() -> None:
    kp = point("'roll back' + adapter")
    assert status("Roll the affected adapter back to the last version.", kp) == "covered"


# --- "not only X" denies the "only"; "X doesn't exist" denies X (fifth round) --------------------------

ONLY_AT_INPUT = point("'every layer'", misconceptions=("'Prefix' + 'input' + ('only' | '只')",))


@pytest.mark.parametrize(
    "answer",
    [
        "Prefix Tuning：不只是 input 侧，every layer 的 K/V 都加前缀。",
        "Prefix Tuning is not only at the input: every layer gets a prefix.",
        "Prefix Tuning acts not just at the input but at every layer.",
    ],
)
def test_not_only_denies_the_only(answer: str) -> None:
    assert status(answer, ONLY_AT_INPUT) == "covered"


@pytest.mark.parametrize(
    "answer", ["Prefix Tuning 只在 input 侧加前缀。", "Prefix Tuning acts only at the input."]
)
def test_a_plain_only_still_contradicts(answer: str) -> None:
    assert status(answer, ONLY_AT_INPUT) == "contradicted"


MADE_UP_REPO = point("'same checkpoint'", misconceptions=("'org/fakeTokenizer' + 'load'",))


@pytest.mark.parametrize(
    "answer",
    [
        'Load the tokenizer from the same checkpoint ("org/fakeTokenizer" doesn\'t exist).',
        "Load the tokenizer from the same checkpoint; the org/fakeTokenizer repo does not exist.",
        "从 same checkpoint load 分词器，org/fakeTokenizer 这个仓库并不存在。",
    ],
)
def test_a_thing_said_not_to_exist_is_not_asserted(answer: str) -> None:
    assert status(answer, MADE_UP_REPO) == "covered"


def test_a_thing_used_plainly_still_contradicts() -> None:
    assert status("Load the tokenizer from org/fakeTokenizer.", MADE_UP_REPO) == "contradicted"


# --- 非 before 的 modifies the attribute, not the verb ------------------------------------------------

TOKEN_MEAN = point("'token' + '取平均'", misconceptions=("'token' + !'取平均'",))


@pytest.mark.parametrize(
    "answer", ["loss 对非 -100 的 token 取平均。", "loss 对非 padding 的 token 取平均。"]
)
def test_fei_before_de_negates_only_the_attribute(answer: str) -> None:
    assert status(answer, TOKEN_MEAN) == "covered"


def test_a_negated_verb_still_contradicts() -> None:
    assert status("loss 对 token 不取平均。", TOKEN_MEAN) == "contradicted"


# --- a comma before an appositive (也就是 / 即 / i.e. / that is / namely) keeps one clause ------------------

SAME_INIT = point("'uniform'", misconceptions=("('Gaussian' | '高斯') + ('Kaiming')",))


@pytest.mark.parametrize(
    "answer",
    [
        "A 用高斯随机初始化，也就是 Kaiming 初始化。",
        "A is drawn from a Gaussian, i.e. Kaiming init.",
        "A uses a Gaussian, that is, Kaiming.",
    ],
)
def test_an_appositive_restates_the_clause_before_it(answer: str) -> None:
    assert status(answer, SAME_INIT) == "contradicted"


def test_a_plain_comma_still_splits_the_clauses() -> None:
    assert status("A 用高斯随机初始化，B 用 Kaiming 初始化。", SAME_INIT) == "missed"


# --- a Chinese comparative "A 比 B 大/小" states the direction ---------------------------------------------

LARGER_LR = point(
    "learning-rate + full-ft + increase", misconceptions=("learning-rate + full-ft + decrease",)
)


@pytest.mark.parametrize("answer", ["学习率比全量微调大。", "学习率要比全量微调高一个量级。"])
def test_bi_comparative_states_larger(answer: str) -> None:
    assert status(answer, LARGER_LR) == "covered"


def test_bi_comparative_states_smaller() -> None:
    assert status("学习率比全量微调小。", LARGER_LR) == "contradicted"


@pytest.mark.parametrize(
    "answer", ["学习率和全量微调比较一下大小。", "比如学习率，全量微调也要调。"]
)
def test_other_uses_of_bi_state_no_direction(answer: str) -> None:
    assert status(answer, LARGER_LR) != "contradicted"
