"""Bank text (never user text) prepared for display.

Bare TeX notation in key points is put in maths, answers are split into prose and code blocks, and
a plain-text form serves table cells."""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>```|~~~)(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^[ \t]*(?P=fence)[ \t]*$",
    re.DOTALL | re.MULTILINE,
)
_PROTECTED = re.compile(r"(\$\$.+?\$\$|\$[^$\n]+\$|`[^`\n]+`)", re.DOTALL)
# a one-letter symbol with TeX super-/subscripts, e.g. R^{d×r}, W_0, A_{ij} (not lora_A, d_model)
_BARE_TEX = re.compile(r"(?<![\w\\$])([A-Za-z](?:[\^_](?:\{[^{}\s$]+\}|[A-Za-z0-9]))+)(?![\w{])")


@dataclass(frozen=True)
class Segment:
    """A run of Markdown prose, or one fenced code block (its language may be empty)."""

    text: str
    code_language: str | None = None  # None: prose

    @property
    def is_code(self) -> bool:
        return self.code_language is not None


def split_code_blocks(markdown: str) -> list[Segment]:
    """Prose and fenced code blocks in order (code keeps its indentation, minus the fence's)."""
    segments: list[Segment] = []
    position = 0
    for match in _FENCE.finditer(markdown):
        if prose := markdown[position : match.start()].strip():
            segments.append(Segment(prose))
        indent = len(match["indent"])
        lines = [
            line[indent:] if line[:indent].isspace() else line
            for line in match["body"].splitlines()
        ]
        segments.append(Segment("\n".join(lines), match["lang"] or ""))
        position = match.end()
    if rest := markdown[position:].strip():
        segments.append(Segment(rest))
    return segments


def key_point_markdown(text: str) -> str:
    """A key point with bare notation such as ``R^{d×r}`` wrapped in ``$…$`` (maths and code kept)."""
    parts = _PROTECTED.split(text)
    for i in range(0, len(parts), 2):  # even parts lie outside maths and code
        parts[i] = _BARE_TEX.sub(lambda m: f"${m.group(1)}$", parts[i])
    return "".join(parts)


def plain_text(markdown: str) -> str:
    """Bank Markdown as plain text for a table cell: no backticks, dollars or emphasis marks."""
    text = re.sub(r"\$\$?([^$]+)\$\$?", r"\1", markdown)
    text = text.replace("`", "")
    text = re.sub(r"\*\*([^*]+)\*\*", r"\1", text)
    return re.sub(r"\\(mathbb|mathrm|operatorname)\{(\w+)\}", r"\2", text)
