"""What a reader sees of a Markdown message whose user values were backslash-escaped."""

from __future__ import annotations

import re


def as_read(markdown: str) -> str:
    """``markdown`` with its backslash escapes removed (``ui.plain_text.md_text`` adds them)."""
    return re.sub(r"\\(.)", r"\1", markdown)
