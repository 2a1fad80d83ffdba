"""The folding search and grading share: full-width and case folded, CJK found in every block."""

from __future__ import annotations

from studykit.search import terms
from studykit.text_fold import CJK_CHAR, CJK_RUN, fold, fold_spaces


def test_fold_turns_full_width_and_upper_case_into_plain_text() -> None:
    assert fold("ＬｏＲＡ Ｂ＝０") == "lora b=0"
    assert fold_spaces("  ＬｏＲＡ \t\n Ｂ＝０ ") == "lora b=0"


def test_cjk_covers_extension_a_unified_and_compatibility_ideographs() -> None:
    assert CJK_RUN.findall("LoRA 低秩㐀適配 x") == ["低秩㐀適配"]
    assert len(CJK_CHAR.findall("秩\uf900a")) == 2


def test_search_drops_its_stop_words_from_a_query() -> None:
    assert terms("LoRA 的 秩") == ("lora", "秩")
    assert terms("what is the rank") == ("rank",)
