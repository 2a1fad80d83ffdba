"""A small bilingual question bank built from pydantic models, for the quiz, stats and grading tests."""

from __future__ import annotations

from studykit.bank import Bank
from studykit.schema import BankFile

DOCUMENT = "900_fixture.txt"


def _kp(
    zh: str,
    en: str,
    aliases_zh=(),
    aliases_en=(),
    weight: int = 1,
    claims=(),
    misconceptions=(),
) -> dict:
    return {
        "text": {"zh": zh, "en": en},
        "aliases": {"zh": list(aliases_zh), "en": list(aliases_en)},
        "weight": weight,
        "claims": list(claims),
        "misconceptions": list(misconceptions),
    }


BASE_TRAINED = {
    "claim": "base-weights + trainable",
    "name": {"zh": "以为原始权重也参与训练", "en": "Believing the base weights are trained too"},
    "correction": {
        "zh": "LoRA 冻结原始权重 W0，只训练 A 和 B。",
        "en": "LoRA freezes the base weights W0 and trains only A and B.",
    },
    "evidence": ["LoRA paper (arXiv 2106.09685) §4.1"],
    "example": {"zh": "原始权重也会一起训练", "en": "the pretrained weights are trained as well"},
}
A_ZERO = {
    "claim": "lora-a + zero",
    "name": {"zh": "把 A、B 的初始化弄反了", "en": "A and B initialisation swapped"},
    "correction": {
        "zh": "PEFT 把 B 置零、A 用 Kaiming 均匀随机初始化，所以初始 ΔW=0。",
        "en": "PEFT zeroes B and draws A from Kaiming-uniform, so ΔW = 0 at the start.",
    },
    "evidence": ["peft src/peft/tuners/lora/layer.py LoraLayer.reset_lora_parameters"],
    "example": {"zh": "A 初始化为零，B 随机", "en": "A is initialised to zero and B randomly"},
}


def _question(
    qid: str, tags: list[str], zh: str, en: str, points: list[dict], follow_ups=()
) -> dict:
    return {
        "id": qid,
        "source": {"section": {"zh": f"第 {qid[-1]} 题", "en": f"Q{qid[-1]}"}},
        "tags": tags,
        "difficulty": 2,
        "kind": "concept",
        "question": {"zh": zh, "en": en},
        "follow_ups": list(follow_ups),
        "answer": {
            "full": {"zh": f"{zh} 的参考答案。", "en": f"Reference answer to: {en}"},
            "key_points": points,
        },
    }


FIXTURE = {
    "schema_version": 1,
    "document": DOCUMENT,
    "title": {"zh": "测试题库", "en": "Fixture bank"},
    "questions": [
        _question(
            "fx-q1",
            ["lora-basics", "math"],
            "LoRA 的基本原理是什么？",
            "What is the principle of LoRA?",
            [
                _kp(
                    "ΔW = BA，低秩分解",
                    "ΔW = BA, a low-rank decomposition",
                    ["低秩分解", "两个小矩阵相乘"],
                    ["low-rank decomposition", "product of two small matrices"],
                    weight=2,
                    claims=["low-rank + (decompose | delta-w) || 'ΔW=BA'"],
                ),
                _kp(
                    "原始权重冻结",
                    "the pretrained weights are frozen",
                    ["冻结"],
                    ["frozen"],
                    claims=["base-weights + frozen"],
                    misconceptions=[BASE_TRAINED],
                ),
                _kp(
                    "缩放系数为 α/r",
                    "the scaling factor is alpha/r",
                    [],
                    ["α/r"],
                    claims=["'α/r'"],
                ),
            ],
            follow_ups=[
                {
                    "question": {
                        "zh": "为什么 B 初始化为零？",
                        "en": "Why is B initialised to zero?",
                    },
                    "answer": {"zh": "使训练开始时 ΔW=0。", "en": "So that ΔW=0 at the start."},
                    "key_points": [
                        _kp(
                            "训练开始时 ΔW=0",
                            "ΔW=0 at the start",
                            ["B=0"],
                            ["B=0"],
                            claims=["(delta-w | lora-b) + zero"],
                        )
                    ],
                },
                {
                    "question": {"zh": "秩 r 怎么选？", "en": "How do you choose r?"},
                    "answer": {"zh": "从 8 或 16 开始扫描。", "en": "Sweep from 8 or 16."},
                },
            ],
        ),
        _question(
            "fx-q2",
            ["initialization"],
            "LoRA 的 A、B 如何初始化？",
            "How are A and B initialised?",
            [
                _kp(
                    "A 随机初始化",
                    "A is initialised randomly",
                    ["kaiming"],
                    ["kaiming uniform"],
                    claims=["lora-a + random"],
                    misconceptions=[A_ZERO],
                ),
                _kp(
                    "B 初始化为零",
                    "B is initialised to zero",
                    ["B=0"],
                    ["B=0", "zero init"],
                    claims=["lora-b + zero"],
                ),
            ],
        ),
        _question(
            "fx-q3",
            ["memory"],
            "LoRA 为什么省显存？",
            "Why does LoRA save GPU memory?",
            [
                _kp(
                    "优化器状态只针对少量参数",
                    "optimizer states only for the few trainable parameters",
                    claims=["optimizer-state + (trainable-params | adapter | lora-a | lora-b)"],
                )
            ],
        ),
        _question(
            "fx-q4",
            ["esm2"],
            "ESM-2 的 LoRA 目标模块一般选哪些？",
            "Which ESM-2 modules does LoRA usually target?",
            [
                _kp("query 和 value", "query and value", ["q、v"], ["q and v"])
            ],  # no claims: fallback
        ),
    ],
}


def fixture_bank() -> Bank:
    """A four-question bank (one question with two follow-ups)."""
    return Bank(files=[BankFile.model_validate(FIXTURE)])
