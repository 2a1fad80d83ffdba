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


def uploader_hint() -> str | None:
    """A Chinese line under st.file_uploader, or None in English.

    Streamlit 1.64 draws the uploader's "Upload" button and "<size> per file • <types>" line
    from its own bundle, with no parameter, config option or locale to translate them; the only
    ways to change them (CSS/JS through st.html or unsafe_allow_html) are ruled out. So the
    Chinese UI says in Chinese what those English words mean.
    """
    return t("common.uploader_hint") if current_lang() == "zh" else None
