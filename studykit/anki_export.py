"""The bank as an Anki deck (.apkg) or Anki CSV: one note per question.

Markdown is rendered as HTML, code in <pre>, maths as MathJax ``\\(…\\)`` / ``\\[…\\]``; a note
holds key points, follow-ups, the corrections (what the document said, the correction, the
evidence) and tags."""

from __future__ import annotations

import csv
import html
import io
import itertools
import sqlite3
import tempfile
import time
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import genanki  # type: ignore[import-untyped]  # ships no type information

from studykit.bank_html import inline_html, markdown_html
from studykit.i18n import translate
from studykit.schema import Question

FIELDS = ("Question", "Answer", "KeyPoints", "FollowUps", "Corrections", "Source")

CSS = """
.card { font-family: -apple-system, "Segoe UI", "PingFang SC", "Noto Sans CJK SC", sans-serif;
  font-size: 18px; line-height: 1.5; text-align: left; max-width: 46em; margin: 0 auto; }
pre { white-space: pre; overflow-x: auto; background: #f4f4f4; padding: .6em; border-radius: 4px;
  font-size: 14px; }
code { font-family: Menlo, Consolas, monospace; }
.night_mode pre { background: #2b2b2b; }
.section { margin-top: 1em; }
.section h4 { margin: .2em 0; }
.correction { border-left: 4px solid #d9822b; padding-left: .6em; margin: .6em 0; }
.said { text-decoration: line-through; color: #888; }
.source { color: #888; font-size: 14px; }
"""

FRONT = '<div class="question">{{Question}}</div>'
BACK = """{{FrontSide}}
<hr id="answer">
<div class="answer">{{Answer}}</div>
{{#KeyPoints}}<div class="section key-points">{{KeyPoints}}</div>{{/KeyPoints}}
{{#FollowUps}}<div class="section follow-ups">{{FollowUps}}</div>{{/FollowUps}}
{{#Corrections}}<div class="section corrections">{{Corrections}}</div>{{/Corrections}}
{{#Source}}<div class="source">{{Source}}</div>{{/Source}}"""


def _stable_id(name: str) -> int:
    """A stable 31-bit id (Anki keeps model/deck ids across re-imports)."""
    return (1 << 30) + zlib.crc32(name.encode("utf-8")) % (1 << 30)


def note_model(lang: str) -> genanki.Model:
    """The note type: six HTML fields, one card (Question → everything else)."""
    return genanki.Model(
        _stable_id(f"lora-interview-lab-model-{lang}"),
        f"LoRA Interview Lab ({lang})",
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Card 1", "qfmt": FRONT, "afmt": BACK}],
        css=CSS,
    )


def _section(title: str, body: str) -> str:
    return f"<h4>{html.escape(title)}</h4>{body}"


def note_fields(question: Question, lang: str, titles: dict[str, str] | None = None) -> list[str]:
    """The HTML of each field in FIELDS for one question."""
    tr = lambda key: translate(f"anki.{key}", lang)  # noqa: E731
    points = "".join(
        f"<li>{inline_html(p.text.get(lang))}</li>" for p in question.answer.key_points
    )
    follow_ups = "".join(
        f"<li><b>{inline_html(f.question.get(lang))}</b><div>{markdown_html(f.answer.get(lang))}</div></li>"
        for f in question.follow_ups
    )
    fixes = ""
    for fix in question.answer.corrections:
        evidence = "".join(f"<li>{html.escape(item)}</li>" for item in fix.evidence)
        fixes += (
            '<div class="correction">'
            f"<div><b>{html.escape(tr('document_said'))}:</b> "
            f'<span class="said">{inline_html(fix.document_said.get(lang))}</span></div>'
            f"<div><b>{html.escape(tr('correction'))}:</b> {markdown_html(fix.correction.get(lang))}</div>"
            f"<div><b>{html.escape(tr('evidence'))}:</b><ul>{evidence}</ul></div></div>"
        )
    document = question.source.document
    title = (titles or {}).get(document, document)
    source = f"{tr('source')}: {title} — {question.source.section.get(lang)} · {question.id}"
    return [
        markdown_html(question.question.get(lang)),
        markdown_html(question.answer.full.get(lang)),
        _section(tr("key_points"), f"<ul>{points}</ul>") if points else "",
        _section(tr("follow_ups"), f"<ol>{follow_ups}</ol>") if follow_ups else "",
        _section(tr("corrections"), fixes) if fixes else "",
        html.escape(source),
    ]


def note_tags(question: Question) -> list[str]:
    """Anki tags (no spaces): the bank's tags plus difficulty::n and kind::x."""
    return [*question.tags, f"difficulty::{question.difficulty}", f"kind::{question.kind}"]


def anki_package(
    questions: Sequence[Question], lang: str, titles: dict[str, str] | None = None
) -> bytes:
    """The .apkg bytes: one deck, one note per question (GUID from the id and language)."""
    model = note_model(lang)
    deck_name = translate("anki.deck", lang)
    deck = genanki.Deck(_stable_id(f"lora-interview-lab-deck-{lang}"), deck_name)
    for question in questions:
        deck.add_note(
            genanki.Note(
                model=model,
                fields=note_fields(question, lang, titles),
                tags=note_tags(question),
                guid=genanki.guid_for(question.id, lang),
            )
        )
    return _write_package(genanki.Package(deck))


def _write_package(package: genanki.Package) -> bytes:
    """genanki's write_to_file, in memory and without leaving its temporary database behind."""
    now = time.time()
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "collection.anki2"
        conn = sqlite3.connect(db_path)
        try:
            package.write_to_db(conn.cursor(), now, itertools.count(int(now * 1000)))
            conn.commit()
        finally:
            conn.close()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(db_path, "collection.anki2")
            archive.writestr("media", "{}")
    return out.getvalue()


def anki_csv(questions: Sequence[Question], lang: str, titles: dict[str, str] | None = None) -> str:
    """The same notes as an Anki text import (HTML fields, GUID = question id, tags column)."""
    out = io.StringIO()
    out.write("#separator:Comma\n#html:true\n")
    out.write(f"#deck:{translate('anki.deck', lang)}\n#notetype:Basic\n")
    out.write("#columns:GUID,Front,Back,Tags\n#guid column:1\n#tags column:4\n")
    writer = csv.writer(out, lineterminator="\n")
    for question in questions:
        front, *rest = note_fields(question, lang, titles)
        back = "".join(f'<div class="section">{part}</div>' for part in rest if part)
        writer.writerow([question.id, front, back, " ".join(note_tags(question))])
    return out.getvalue()
