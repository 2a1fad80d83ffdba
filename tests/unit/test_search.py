"""Search over the bank works for Chinese and English queries, ranks by relevance, and filters."""

from __future__ import annotations

from pathlib import Path

import pytest

from studykit.bank import load_bank
from studykit.question_filters import Filters
from studykit.search import SearchIndex, find, terms

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bank"


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(load_bank(FIXTURES).questions)


def ids(questions: list) -> list[str]:
    return [q.id for q in questions]


def test_terms_cut_chinese_and_keep_latin_words() -> None:
    assert terms("LoRA 初始化") == ("lora", "初始化")
    assert "dropout" in terms("ＤＲＯＰＯＵＴ 作用在哪里")  # full-width folded
    assert "的" not in terms("矩阵的初始化")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("初始化", ["f100-q01-init"]),  # Chinese substring inside a longer word
        ("为什么 B 初始化为零", ["f100-q01-init"]),
        ("dropout 输入", ["f100-q02-dropout"]),  # mixed languages, both terms required
        ("zero", ["f100-q01-init"]),  # English text of the same question
        ("drpout", ["f100-q02-dropout"]),  # a typo falls back to fuzzy matching
        ("量子计算", []),
    ],
)
def test_queries_find_the_right_questions(
    index: SearchIndex, query: str, expected: list[str]
) -> None:
    assert ids(index.search(query)) == expected


def test_empty_query_returns_everything_in_bank_order(index: SearchIndex) -> None:
    assert ids(index.search("  ")) == ["f100-q01-init", "f100-q02-dropout"]


def test_question_text_hits_rank_above_answer_hits(index: SearchIndex) -> None:
    # "lora" occurs in both questions' text; "dropout" also in q02's question, so q02 ranks first for it.
    assert ids(index.search("lora dropout"))[0] == "f100-q02-dropout"


def test_filters_combine_with_search(index: SearchIndex) -> None:
    assert ids(find(index, "", Filters(corrected_only=True))) == ["f100-q02-dropout"]
    assert ids(find(index, "", Filters(tags=frozenset({"initialization"})))) == ["f100-q01-init"]
    assert ids(
        find(index, "", Filters(difficulties=frozenset({2}), kinds=frozenset({"code"})))
    ) == ["f100-q02-dropout"]
    assert ids(find(index, "lora", Filters(documents=frozenset({"nope.txt"})))) == []
