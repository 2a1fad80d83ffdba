"""Study notes: place the errata marks of a note section into its Markdown body (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote as quote_url

from studykit.schema import NoteMark, NoteSection

_UNSAFE_FOR_HIGHLIGHT = ("\n", "[", "]", "$", "`", "*", ":")


@dataclass(frozen=True)
class MarkedNote:
    body: str  # Markdown with each mistake highlighted and numbered
    marks: list[tuple[int, NoteMark]]  # (number shown in the body, mark)


def answer_link(question_id: str) -> str:
    """The Browse URL that opens `question_id` with its answer shown."""
    return f"browse?q={quote_url(question_id)}&reveal=1"  # relative: works under a base URL path


def _marker(number: int, question_id: str) -> str:
    return f"[**⚠️{number}**]({answer_link(question_id)})"


def _highlight(quote: str, number: int, question_id: str) -> str:
    # Streamlit's :red-background[...] only works on plain inline text; otherwise just append the marker.
    if any(ch in quote for ch in _UNSAFE_FOR_HIGHLIGHT):
        return f"{quote} {_marker(number, question_id)}"
    return f":red-background[{quote}] {_marker(number, question_id)}"


def mark_note(section: NoteSection, lang: str) -> MarkedNote:
    """The section body in `lang` with every mark highlighted where it occurs, numbered from 1."""
    english = lang == "en" and bool(section.body.en.strip())
    body = section.body.en if english else section.body.zh
    numbered = list(enumerate(section.marks, start=1))
    for number, mark in numbered:
        quote = mark.quote_en if english else mark.quote
        if quote and quote in body:
            body = body.replace(quote, _highlight(quote, number, mark.question), 1)
    return MarkedNote(body=body, marks=numbered)
