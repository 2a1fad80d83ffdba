"""What every page shares: the language state, translated strings, the cached bank, the router guard."""

from __future__ import annotations

import streamlit as st

from studykit.bank import Bank, load_bank
from studykit.i18n import LANGUAGES, normalize_lang, translate
from studykit.search import SearchIndex
from ui.plain_text import md_text

LANG_KEY = "lang"
LANG_LABELS = {"zh": "中文", "en": "English"}


def init_language() -> str:
    """Pick the starting language once per session: `?lang=en` if given, else Chinese (the default)."""
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = normalize_lang(st.query_params.get("lang"))
    return st.session_state[LANG_KEY]


def current_lang() -> str:
    """The session's language.

    It is the language switch's widget state; where a page is drawn without the switch (the Group
    page's projector layout has no sidebar), Streamlit drops that state after the run, so the
    fragments that poll there read the URL's `?lang=`, which the switch keeps up to date.
    """
    lang = st.session_state.get(LANG_KEY)
    return lang if lang in LANGUAGES else normalize_lang(st.query_params.get("lang"))


def t(key: str, **values: object) -> str:
    """The UI string for `key` in the session's language."""
    return translate(key, current_lang(), **values)


def language_switch() -> str:
    """The 中文/English switch; lives in the entrypoint so it persists across pages and reloads."""
    lang = st.segmented_control(
        t("common.language"),
        options=list(LANGUAGES),
        format_func=LANG_LABELS.__getitem__,
        key=LANG_KEY,
        required=True,
    )
    st.query_params["lang"] = lang  # a reload or a shared link keeps the language
    return lang


MAX_PROBLEMS_SHOWN = 12


@st.cache_resource(show_spinner=False)
def get_bank() -> Bank:
    """The question bank, loaded once per server process (it is immutable, so sharing is safe)."""
    return load_bank()


def show_bank_problems(bank: Bank) -> None:
    """Tell the user which question files were refused and why; the rest of the app keeps working."""
    if not bank.problems:
        return
    files = list(dict.fromkeys(problem.file for problem in bank.problems))
    shown = bank.problems[:MAX_PROBLEMS_SHOWN]  # a broken file can have thousands of problems
    lines = "\n".join(f"- {md_text(problem, 300)}" for problem in shown)
    if len(bank.problems) > len(shown):
        lines += f"\n- … +{len(bank.problems) - len(shown)}"
    st.warning(f"{t('common.refused_files', n=len(files))}\n{lines}\n\n{t('common.refused_hint')}")


@st.cache_resource(show_spinner=False)
def get_search_index() -> SearchIndex:
    """The search index over the cached bank (built once per server process)."""
    return SearchIndex(get_bank().questions)


def ensure_router() -> None:
    """Make sure a page runs inside app.py's router, never as a legacy `pages/` script.

    Streamlit treats a `pages/` folder as a legacy multipage app until the entrypoint has called
    `st.navigation` once. If the very first request after a server start is a deep link (e.g. /lab),
    the page would run alone, without the sidebar and language switch. We switch the flag off and rerun,
    which runs app.py, whose `st.navigation` then opens the requested page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
