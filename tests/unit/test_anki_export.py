"""The Anki exports: bank Markdown as HTML (code in <pre>, maths as MathJax delimiters, HTML input
escaped), the .apkg read back as a zip + SQLite collection and imported with the real Anki library,
and the CSV with the same fields."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest

from studykit.anki_export import FIELDS, anki_csv, anki_package
from studykit.bank import Bank, load_bank
from studykit.bank_html import markdown_html
from tests.support.quiz_bank import fixture_bank


def _real_bank() -> Bank:
    bank = load_bank()
    if len(bank.questions) < 2:
        pytest.skip("the question bank is not available")
    return bank


def test_markdown_becomes_html_with_code_and_maths() -> None:
    text = (
        "**Bold** $W_0\\in\\mathbb{R}^{d\\times r}$ and $$h = a * b_2$$ cost $5 and $6\n\n"
        "```python\ndef f():\n    return '$x$'\n```\n\n`$kept$` <script>alert(1)</script>"
    )
    out = markdown_html(text)
    assert "<strong>Bold</strong>" in out and "**" not in out
    assert "\\(W_0\\in\\mathbb{R}^{d\\times r}\\)" in out
    assert "\\[h = a * b_2\\]" in out  # maths is not read as Markdown emphasis
    assert "cost $5 and $6" in out  # prices are not maths
    assert "<pre><code class=\"language-python\">def f():\n    return '$x$'\n</code></pre>" in (
        out.replace("&#x27;", "'")
    )
    assert "<code>$kept$</code>" in out
    assert "<script>" not in out and "&lt;script&gt;" in out


def _open_apkg(data: bytes, tmp_path: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "collection.anki2" in archive.namelist()
        archive.extract("collection.anki2", tmp_path)
    return sqlite3.connect(tmp_path / "collection.anki2")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_apkg_notes_fields_templates_deck_and_tags(lang: str, tmp_path: Path) -> None:
    bank = _real_bank()
    conn = _open_apkg(anki_package(bank.questions, lang), tmp_path)
    models_json, decks_json = conn.execute("SELECT models, decks FROM col").fetchone()
    (model,) = json.loads(models_json).values()
    assert [f["name"] for f in model["flds"]] == list(FIELDS)
    (template,) = model["tmpls"]
    assert "{{Question}}" in template["qfmt"]
    assert all(f"{{{{{name}}}}}" in template["afmt"] for name in FIELDS[1:])
    assert "white-space: pre" in model["css"]
    deck_names = {d["name"] for d in json.loads(decks_json).values()}
    assert ("LoRA 面试实验室" if lang == "zh" else "LoRA Interview Lab") in deck_names
    notes = conn.execute("SELECT flds, tags FROM notes").fetchall()
    assert len(notes) == len(bank.questions)
    by_source = {}
    for flds, tags in notes:
        fields = dict(zip(FIELDS, flds.split("\x1f"), strict=True))
        qid = fields["Source"].rsplit(" · ", 1)[-1]
        by_source[qid] = (fields, tags.split())
    assert set(by_source) == {q.id for q in bank.questions}
    for question in bank.questions:
        fields, tags = by_source[question.id]
        assert set(question.tags) <= set(tags) and f"difficulty::{question.difficulty}" in tags
        answer = fields["Answer"]
        assert "**" not in _outside_code(answer)
        assert "$" not in _outside_code(answer).replace("\\$", "")  # maths became \( \) / \[ \]
        assert bool(question.answer.corrections) == bool(fields["Corrections"])
        if "```" in question.answer.full.get(lang):
            assert "<pre><code" in answer
    fixed = next(q for q in bank.questions if q.answer.corrections)
    corrections = by_source[fixed.id][0]["Corrections"]
    said, evidence = (
        ("文档原文", "依据") if lang == "zh" else ("What the document said", "Evidence")
    )
    assert said in corrections and evidence in corrections
    assert corrections.count('class="correction"') == len(fixed.answer.corrections)
    conn.close()


def _outside_code(html_text: str) -> str:
    return re.sub(r"<code[^>]*>.*?</code>", "", html_text, flags=re.DOTALL)


def test_apkg_imports_into_the_real_anki_library(tmp_path: Path) -> None:
    anki_collection = pytest.importorskip("anki.collection")
    bank = _real_bank()
    path = tmp_path / "deck.apkg"
    path.write_bytes(anki_package(bank.questions, "en"))
    col = anki_collection.Collection(str(tmp_path / "collection.anki2"))
    try:
        col.import_anki_package(
            anki_collection.ImportAnkiPackageRequest(
                package_path=str(path),
                options=anki_collection.ImportAnkiPackageOptions(with_scheduling=False),
            )
        )
        assert col.note_count() == len(bank.questions)
        assert "LoRA Interview Lab" in {d.name for d in col.decks.all_names_and_ids()}
        note = col.get_note(col.find_notes("tag:difficulty::*")[0])
        assert note.note_type()["name"] == "LoRA Interview Lab (en)"
        answer = note.cards()[0].answer()
        assert "<hr id=answer>" in answer or '<hr id="answer">' in answer
        assert "**" not in _outside_code(answer)
        with_fix = col.find_notes('"Corrections:_*"')
        assert len(with_fix) == sum(1 for q in bank.questions if q.answer.corrections)
    finally:
        col.close()


def test_csv_headers_rows_and_html() -> None:
    bank = fixture_bank()
    text = anki_csv(bank.questions, "en")
    headers = [line for line in text.splitlines() if line.startswith("#")]
    assert "#separator:Comma" in headers and "#html:true" in headers
    assert "#columns:GUID,Front,Back,Tags" in headers and "#guid column:1" in headers
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    rows = list(csv.reader(io.StringIO(body)))
    assert [r[0] for r in rows] == [q.id for q in bank.questions]
    first = rows[0]
    assert first[1] == "<p>What is the principle of LoRA?</p>"
    assert "Why is B initialised to zero?" in first[2] and "<li>" in first[2]
    assert first[3].split() == ["lora-basics", "math", "difficulty::2", "kind::concept"]
    assert "LoRA 的基本原理是什么？" in anki_csv(bank.questions, "zh")
