"""Your data: export progress (JSON) and the bank (Anki deck .apkg and CSV); import a progress file."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from studykit.anki_export import anki_csv, anki_package
from studykit.bank import Bank
from studykit.progress_io import (
    ImportRefused,
    export_filename,
    export_progress,
    import_progress,
)
from ui.core import t
from ui.plain_text import md_text
from ui.quiz.session import StudySession
from ui.widget_texts import uploader_hint


def data_panel(session: StudySession, now: datetime) -> None:
    st.subheader(t("stats.data"))
    left, right = st.columns(2)
    with left:
        _exports(session, now)
    with right:
        _import(session)


def _download(
    label_key: str, data: str | bytes, file_name: str, mime: str, *, key: str, icon: str
) -> None:
    """One download button; the click needs no rerun (the data is already in the page)."""
    st.download_button(
        t(label_key), data, file_name=file_name, mime=mime, key=key, icon=icon, on_click="ignore"
    )


def _exports(session: StudySession, now: datetime) -> None:
    name, lang = session.profile_name, session.lang
    _download(
        "stats.export_json",
        export_progress(session.store, session.profile_id, name, now),
        export_filename(name, now, "json"),
        "application/json",
        key="stats_export",
        icon=":material/download:",
    )
    _download(
        "stats.export_apkg",
        _apkg_cached(id(session.bank), lang, session.bank, session.titles),
        f"lora-interview-lab-{lang}.apkg",
        "application/octet-stream",
        key="stats_apkg",
        icon=":material/style:",
    )
    _download(
        "stats.export_anki",
        _csv_cached(id(session.bank), lang, session.bank, session.titles),
        f"lora-interview-lab-{lang}.csv",
        "text/csv",
        key="stats_anki",
        icon=":material/table_view:",
    )
    st.caption(t("stats.anki_help"))


@st.cache_resource(max_entries=4, show_spinner=False)
def _apkg_cached(bank_id: int, lang: str, _bank: Bank, _titles: dict[str, str]) -> bytes:
    """The deck is rebuilt only for another bank object (the bank is loaded once per process)."""
    return anki_package(_bank.questions, lang, _titles)


@st.cache_resource(max_entries=4, show_spinner=False)
def _csv_cached(bank_id: int, lang: str, _bank: Bank, _titles: dict[str, str]) -> str:
    return anki_csv(_bank.questions, lang, _titles)


def _import(session: StudySession) -> None:
    upload = st.file_uploader(
        t("stats.import_json"),
        type=["json"],
        key="stats_import_file",
        disabled=not session.store.status.writable,
    )
    if hint := uploader_hint():
        st.caption(hint)
    if upload is not None and st.button(
        t("stats.import_go"), key="stats_import_go", icon=":material/upload:"
    ):
        try:
            added = import_progress(session.store, session.profile_id, upload.getvalue())
        except ImportRefused as exc:
            # values can carry the file's own keys: shown as text, cut short
            values = {k: md_text(v, 100) for k, v in exc.values.items()}
            reason = t(f"stats.import_reason.{exc.code}", **values)
            st.error(t("stats.import_refused", reason=reason), icon=":material/block:")
        else:
            st.session_state["stats_import_msg"] = t("stats.import_done", n=added)
            st.rerun()  # recompute every chart from the grown log
    if message := st.session_state.pop("stats_import_msg", None):
        st.success(message, icon=":material/task_alt:")
