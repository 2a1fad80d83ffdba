"""Bank text prepared for display: bare notation in key points as maths, code blocks split out
(with their indentation), plain text for table cells."""

from __future__ import annotations

from studykit.bank_markdown import Segment, key_point_markdown, plain_text, split_code_blocks


def test_bare_notation_becomes_maths_but_code_and_names_stay() -> None:
    text = "B∈R^{d×r}, A∈R^{r×k}; $W_0$ frozen, `lora_A` and lora_A, d_model, x^2"
    assert key_point_markdown(text) == (
        "B∈$R^{d×r}$, A∈$R^{r×k}$; $W_0$ frozen, `lora_A` and lora_A, d_model, $x^2$"
    )
    assert key_point_markdown("plain text, no notation") == "plain text, no notation"


def test_code_blocks_are_split_out_with_their_indentation() -> None:
    text = (
        "Intro **bold**\n\n  ```python\n  def f():\n      return 1\n  ```\nAfter\n\n~~~\nraw\n~~~"
    )
    assert split_code_blocks(text) == [
        Segment("Intro **bold**"),
        Segment("def f():\n    return 1", "python"),
        Segment("After"),
        Segment("raw", ""),
    ]
    assert split_code_blocks("no code") == [Segment("no code")]


def test_plain_text_for_table_cells() -> None:
    assert plain_text("**Why** is `B` zero in $\\mathbb{R}^{d}$?") == "Why is B zero in R^{d}?"
