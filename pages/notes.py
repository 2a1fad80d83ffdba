"""Notes: each source document's explanatory sections, with its mistakes marked and linked to the answer."""

import streamlit as st

from studykit.notes import mark_note
from ui.core import current_lang, ensure_router, get_bank, show_bank_problems, t

ensure_router()
bank, lang = get_bank(), current_lang()
show_bank_problems(bank)
st.title(t("notes.title"))
st.caption(t("notes.intro"))
if not bank.files:
    st.info(t("notes.empty"))
    st.stop()

titles = {f.document: f.title.get(lang) for f in bank.files}
document = st.selectbox(
    t("notes.document"), list(titles), format_func=titles.__getitem__, key="notes_doc"
)
bank_file = next(f for f in bank.files if f.document == document)
if not bank_file.notes:
    st.info(t("notes.no_notes"))
for section in bank_file.notes:
    marked = mark_note(section, lang)
    st.header(section.title.get(lang), anchor=section.id)
    st.markdown(marked.body)
    if marked.marks:
        with st.container(border=True):
            st.markdown(f"**{t('notes.marks', n=len(marked.marks))}**")
            for number, mark in marked.marks:
                st.markdown(f"**⚠️{number}** {mark.note.get(lang)}")
                st.page_link(
                    "pages/browse.py",
                    label=t("notes.see_answer"),
                    icon=":material/arrow_forward:",
                    query_params={"q": mark.question, "reveal": "1"},
                )
