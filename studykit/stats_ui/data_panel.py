"""Your data: export progress (JSON) and the bank (Anki CSV); import a progress file."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from studykit.plain_text import md_text
from studykit.progress_io import (
    ImportRefused,
    anki_csv,
    export_filename,
    export_progress,
    import_progress,
)
from studykit.quiz_ui.session import StudySession
from studykit.ui import t


def data_panel(session: StudySession, now: datetime) -> None:
    st.subheader(t("stats.data"))
    left, right = st.columns(2)
    with left:
        _exports(session, now)
    with right:
        _import(session)


def _exports(session: StudySession, now: datetime) -> None:
    name, lang = session.profile_name, session.lang
    st.download_button(
        t("stats.export_json"),
        export_progress(session.store, session.profile_id, name, now),
        file_name=export_filename(name, now, "json"),
        mime="application/json",
        key="stats_export",
        icon=":material/download:",
        on_click="ignore",
    )
    st.download_button(
        t("stats.export_anki"),
        anki_csv(session.bank.questions, lang),
        file_name=f"lora-interview-lab-{lang}.csv",
        mime="text/csv",
        key="stats_anki",
        icon=":material/style:",
        on_click="ignore",
    )
    st.caption(t("stats.anki_help"))


def _import(session: StudySession) -> None:
    upload = st.file_uploader(
        t("stats.import_json"),
        type=["json"],
        key="stats_import_file",
        disabled=not session.store.status.writable,
    )
    if upload is not None and st.button(
        t("stats.import_go"), key="stats_import_go", icon=":material/upload:"
    ):
        try:
            added = import_progress(session.store, session.profile_id, upload.getvalue())
        except ImportRefused as exc:
            st.error(t("stats.import_refused", reason=md_text(exc, 300)), icon=":material/block:")
        else:
            st.session_state["stats_import_msg"] = t("stats.import_done", n=added)
            st.rerun()  # recompute every chart from the grown log
    if message := st.session_state.pop("stats_import_msg", None):
        st.success(message, icon=":material/task_alt:")
