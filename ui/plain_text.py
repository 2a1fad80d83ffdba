"""User, URL and file strings shown as text inside Streamlit's Markdown.

Streamlit renders ``st.markdown``/``caption``/``info``/``warning``/labels as Markdown with
links, images, ``:color[...]`` directives, ``:material/...:`` icons and ``$LaTeX$``. A learner's
name, a query parameter or a file name interpolated there must not become a link, an image
(a request to another host) or a formula, so every Markdown-active character is
backslash-escaped (CommonMark makes escaped punctuation a literal) and the value is cut.
"""

from __future__ import annotations

import re

# Markdown's and Streamlit's active characters (links, images, emphasis, code, directives,
# icons, math, HTML, entities, lists, headings, tables); quotes, commas and slashes stay as typed
_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>:$~&=])")
_LINE_BREAKS = re.compile(r"[\r\n\t\f\v\u2028\u2029]+")
DEFAULT_MAX_CHARS = 200


def clip(value: object, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """``str(value)`` on one line, cut to ``max_chars`` with an ellipsis (bounded messages)."""
    text = _LINE_BREAKS.sub(" ", str(value))
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


# GFM turns bare URLs and e-mail addresses into links *after* parsing, so escapes do not stop it;
# an invisible word joiner (U+2060) inside "://", "www." and after "@" does.
_AUTOLINK = re.compile(r"(:)(//)|(?i:(www))(\.)|(@)")
_WORD_JOINER = "\u2060"


def _break_autolink(match: re.Match[str]) -> str:
    parts = [part for part in match.groups() if part is not None]
    return parts[0] + _WORD_JOINER + "".join(parts[1:])


def md_text(value: object, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """``value`` as literal text for a Markdown string: one line, cut, punctuation escaped,
    bare URLs and addresses broken so they are not linked."""
    text = _AUTOLINK.sub(_break_autolink, clip(value, max_chars))
    return _PUNCTUATION.sub(r"\\\1", text)


# an absolute POSIX or Windows path, or one under ~ (two parts at least: "/" alone is kept)
_PATH = re.compile(r"(?:~|[A-Za-z]:)?(?:[/\\][^\s/\\'\"`:;,()]+){2,}[/\\]?")


def without_paths(text: object) -> str:
    """``text`` with server paths replaced by their last part (learners see no folders)."""
    return _PATH.sub(lambda m: "…/" + re.split(r"[/\\]", m.group(0).rstrip("/\\"))[-1], str(text))


def public_text(value: object, max_chars: int = 300) -> str:
    """A server-side message for the page: paths hidden, cut, shown as literal Markdown text."""
    return md_text(without_paths(value), max_chars)
