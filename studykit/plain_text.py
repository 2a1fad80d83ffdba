"""User, URL and file strings shown as text inside Streamlit's Markdown.

Streamlit renders ``st.markdown``/``caption``/``info``/``warning``/labels as Markdown with
links, images, ``:color[...]`` directives, ``:material/...:`` icons and ``$LaTeX$``. A learner's
name, a query parameter or a file name interpolated there must not become a link, an image
(a request to another host) or a formula, so every ASCII punctuation character is
backslash-escaped (CommonMark makes any escaped punctuation a literal) and the value is cut.
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_LINE_BREAKS = re.compile(r"[\r\n\t\f\v\u2028\u2029]+")
DEFAULT_MAX_CHARS = 200


def clip(value: object, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """``str(value)`` on one line, cut to ``max_chars`` with an ellipsis (bounded messages)."""
    text = _LINE_BREAKS.sub(" ", str(value))
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


def md_text(value: object, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """``value`` as literal text for a Markdown string: one line, cut, punctuation escaped."""
    return _PUNCTUATION.sub(r"\\\1", clip(value, max_chars))
