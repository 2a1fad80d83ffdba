"""Browse's question list, one page at a time, opened at the page of the selected question.

Streamlit offers no way to scroll an element into view (a fixed-height container only scrolls
itself, ``autoscroll`` only to the bottom), and injecting a script is ruled out. So instead of a
long scrolled list the results are shown PAGE_SIZE rows at a time, and the page shown is the one
holding the selected question: a deep link (``?q=``), a note's ⚠ link, a Progress row or Back all
land with the selected row on screen. The page picker is keyed by the selected question, so
choosing a question resets it to that question's page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import streamlit as st

from ui.core import t

PAGE_SIZE = 8  # rows per page: the selected row stays near the top of a 720 px high window


def page_count(n: int, size: int = PAGE_SIZE) -> int:
    return max((n + size - 1) // size, 1)


def page_of(ids: list[str], selected: str, size: int = PAGE_SIZE) -> int:
    """The 0-based page holding `selected` (page 0 when it is not listed)."""
    return ids.index(selected) // size if selected in ids else 0


def _key(kind: str, ids: list[str], lang: str, extra: str = "") -> str:
    digest = hashlib.sha1(" ".join([*ids, extra]).encode()).hexdigest()[:12]
    return f"browse_{kind}_{lang}_{digest}"


def question_list(
    ids: list[str], selected: str, lang: str, label: Callable[[str], str]
) -> str | None:
    """The result count, the page picker (more than one page) and the page's rows as a radio.

    Returns the question picked on this run, or None when the page shown does not hold the
    selected question and the learner has not picked one there (the selection stays).
    """
    pages = page_count(len(ids))
    page = page_of(ids, selected)
    count, picker = st.columns([1, 1], vertical_alignment="center")
    count.caption(t("browse.results", n=len(ids)))
    if pages > 1:
        page = picker.selectbox(
            t("browse.page"),
            list(range(pages)),
            index=page,
            format_func=lambda p: t(
                "browse.page_rows", first=p * PAGE_SIZE + 1, last=min((p + 1) * PAGE_SIZE, len(ids))
            ),
            key=_key("page", ids, lang, selected),  # a new selection opens its own page
            label_visibility="collapsed",
        )
    rows = ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    return st.radio(
        t("browse.pick"),
        rows,
        index=rows.index(selected) if selected in rows else None,
        key=_key("pick", rows, lang),
        label_visibility="collapsed",
        format_func=label,
    )
