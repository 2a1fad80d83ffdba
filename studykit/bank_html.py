"""Bank Markdown (with $…$ / $$…$$ maths) as self-contained HTML for other apps (Anki).

Only for bank content written by the authors: raw HTML in the input is escaped (markdown-it with
``html`` off), code stays in <pre>, and maths becomes MathJax delimiters ``\\(…\\)`` / ``\\[…\\]``.
"""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt

# code first (its dollars are not maths), then display maths, then inline maths
_CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]+`)", re.DOTALL)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_INLINE = re.compile(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<![\s\\])\$(?!\d)")
_SLOT = "MDMATHSLOT{}X"
_SLOT_RE = re.compile(r"MDMATHSLOT(\d+)X")

_md = (
    MarkdownIt("commonmark", {"html": False, "breaks": True})
    .enable("table")
    .enable("strikethrough")
)


def markdown_html(text: str) -> str:
    """`text` (bank Markdown with maths) rendered as HTML; maths left for MathJax, escaped."""
    maths: list[str] = []

    def keep(delim_open: str, delim_close: str):
        def _sub(match: re.Match[str]) -> str:
            maths.append(f"{delim_open}{html.escape(match.group(1).strip())}{delim_close}")
            return _SLOT.format(len(maths) - 1)

        return _sub

    parts = _CODE.split(text.strip())
    for i in range(0, len(parts), 2):  # even parts are outside code
        parts[i] = _DISPLAY.sub(keep("\\[", "\\]"), parts[i])
        parts[i] = _INLINE.sub(keep("\\(", "\\)"), parts[i])
    rendered = _md.render("".join(parts)).strip()
    return _SLOT_RE.sub(lambda m: maths[int(m.group(1))], rendered)


def inline_html(text: str) -> str:
    """Like `markdown_html` for one line, without the surrounding <p>."""
    rendered = markdown_html(text)
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        return rendered[3:-4]
    return rendered
