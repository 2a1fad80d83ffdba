"""Browse: search and filter the bank, open a question, reveal its answer key."""

import streamlit as st

from studykit.search import find
from studykit.tags import TAGS, tag_label
from ui.browse_list import question_list
from ui.browse_rows import row_label, row_statuses
from ui.browse_state import (
    apply_query_param,
    current_filters,
    keep_filters,
    remember_selection,
    restore_filters,
    revealed,
    selected_id,
)
from ui.core import (
    current_lang,
    ensure_router,
    get_bank,
    get_search_index,
    show_bank_problems,
    t,
)
from ui.plain_text import md_text
from ui.question_view import (
    document_title,
    render_answer,
    render_follow_ups,
    render_lab_link,
    render_meta,
    render_premise,
)
from ui.widget_texts import multiselect_texts

MAX_QUERY_CHARS = 200

ensure_router()
bank, lang = get_bank(), current_lang()
show_bank_problems(bank)
by_id = bank.by_id()
restore_filters()
if missing := apply_query_param(by_id):
    st.info(t("browse.not_found", qid=md_text(missing, 80)))

st.title(t("browse.title"))
left, right = st.columns([2, 3], gap="large")
with left:
    query = st.text_input(
        t("browse.search"),
        key="browse_query",
        max_chars=MAX_QUERY_CHARS,
        placeholder=t("browse.search_placeholder"),
    )[:MAX_QUERY_CHARS]  # cut on the server too: the box's limit is the browser's to keep
    with st.expander(t("browse.filters"), icon=":material/filter_list:"):
        docs = [f.document for f in bank.files]
        st.multiselect(
            t("browse.documents"),
            docs,
            key="browse_docs",
            format_func=lambda d: document_title(bank, d, lang),
            **multiselect_texts(),
        )
        st.multiselect(
            t("browse.tags"),
            list(TAGS),
            key="browse_tags",
            format_func=lambda g: tag_label(g, lang),
            **multiselect_texts(),
        )
        st.pills(
            t("browse.difficulty"),
            [1, 2, 3],
            key="browse_difficulty",
            selection_mode="multi",
            format_func=lambda d: t(f"meta.difficulty.{d}"),
        )
        st.pills(
            t("browse.kind"),
            ["concept", "code", "design", "project", "debugging"],
            key="browse_kinds",
            selection_mode="multi",
            format_func=lambda k: t(f"meta.kind.{k}"),
        )
        st.toggle(t("browse.corrected_only"), key="browse_corrected")
    keep_filters()
    results = find(get_search_index(), query, current_filters())
    if not results:
        st.caption(t("browse.results", n=0))
        st.info(t("browse.no_results"))
        st.stop()
    ids = [q.id for q in results]
    statuses = row_statuses(bank)
    selected = selected_id(ids)
    picked = question_list(
        ids, selected, lang, lambda qid: row_label(by_id[qid], statuses.get(qid), lang)
    )
    picked = picked or selected  # another page is shown: the open question stays open
    remember_selection(picked)

with right:
    question = by_id[picked]
    st.subheader(question.question.get(lang))
    render_premise(question, lang)
    render_meta(bank, question)
    shown = revealed()
    if picked in shown:
        st.button(
            t("browse.hide"),
            icon=":material/visibility_off:",
            key="browse_hide",
            on_click=shown.discard,
            args=(picked,),
        )
        render_answer(bank, question)
    else:
        st.button(
            t("browse.reveal"),
            icon=":material/visibility:",
            type="primary",
            key="browse_reveal",
            on_click=shown.add,
            args=(picked,),
        )
    render_follow_ups(question)
    render_lab_link(question)
