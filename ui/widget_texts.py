"""Streamlit's own widget texts in the UI language (its defaults are English)."""

from __future__ import annotations

from ui.core import current_lang, t

SELECT_ALL_LIMIT = 1000  # Streamlit's default: offer "Select all" up to this many options


def multiselect_texts(placeholder_key: str = "common.choose") -> dict[str, object]:
    """`placeholder` and `select_all` for st.multiselect: Streamlit's "Choose options" and
    "Select all" cannot be translated, so the first is replaced and the second hidden in Chinese."""
    return {
        "placeholder": t(placeholder_key),
        "select_all": SELECT_ALL_LIMIT if current_lang() == "en" else False,
    }
