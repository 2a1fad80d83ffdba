"""Session state of the Browse page: filters, the selected question and the `?q=<id>` deep link."""

from __future__ import annotations

import streamlit as st

from studykit.question_filters import Filters
from studykit.schema import Question

_FILTER_KEYS = (
    "browse_query",
    "browse_docs",
    "browse_tags",
    "browse_difficulty",
    "browse_kinds",
    "browse_corrected",
)


def current_filters() -> Filters:
    state = st.session_state
    return Filters(
        documents=frozenset(state.get("browse_docs") or ()),
        tags=frozenset(state.get("browse_tags") or ()),
        difficulties=frozenset(state.get("browse_difficulty") or ()),
        kinds=frozenset(state.get("browse_kinds") or ()),
        corrected_only=bool(state.get("browse_corrected")),
    )


def apply_query_param(by_id: dict[str, Question]) -> str | None:
    """Open the question named by `?q=` once per new value (a link from the Lab, Notes or a shared URL).

    Clears search and filters so the linked question is visible. Returns the id if it does not exist.
    """
    wanted = st.query_params.get("q")
    if not wanted or wanted == st.session_state.get("browse_applied_q"):
        return None
    st.session_state["browse_applied_q"] = wanted
    if wanted not in by_id:
        return wanted
    for key in _FILTER_KEYS:
        st.session_state.pop(key, None)
    st.session_state.pop(_KEPT, None)
    st.session_state["browse_selected"] = wanted
    if st.query_params.get("reveal") == "1":  # a link from a note's ⚠ marker opens the answer
        revealed().add(wanted)
    return None


_KEPT = "browse_kept_filters"


def restore_filters() -> None:
    """Put back the search and filters of this session's last Browse visit.

    Streamlit drops a widget's state when a run does not draw it (another page, or Back in the
    browser), so the values are mirrored in a plain key and restored before the widgets are drawn.
    """
    for key, value in (st.session_state.get(_KEPT) or {}).items():
        if key not in st.session_state:
            st.session_state[key] = value


def keep_filters() -> None:
    """Mirror the search and filters (call after the filter widgets are drawn)."""
    st.session_state[_KEPT] = {
        key: st.session_state[key] for key in _FILTER_KEYS if key in st.session_state
    }


def selected_id(ids: list[str]) -> str:
    """The open question if it is among the results, else the first result."""
    current = st.session_state.get("browse_selected")
    return current if current in ids else ids[0]


def remember_selection(question_id: str) -> None:
    """Remember the open question and keep the URL pointing at it, so a reload or a shared link shows it."""
    st.session_state["browse_selected"] = question_id
    st.session_state["browse_applied_q"] = question_id
    st.query_params["q"] = question_id


def revealed() -> set[str]:
    """Ids of questions whose answer the learner has revealed in this session."""
    return st.session_state.setdefault("browse_revealed", set())
