"""Streamlit rendering of one question: metadata, answer key, corrections, follow-ups, solution, Lab link.

Shared by the Browse page and the quiz pages. Content is rendered as Markdown (LaTeX via $...$), never as raw HTML.
"""

from __future__ import annotations

import streamlit as st

from studykit.bank import Bank, solution_source
from studykit.bank_markdown import key_point_markdown, split_code_blocks
from studykit.interview import interview_text
from studykit.schema import Correction, KeyPoint, Question, Text
from studykit.tags import tag_label
from ui.core import current_lang, t

_SEVERITY_COLOR = {"wrong": "red", "misleading": "orange", "imprecise": "yellow", "typo": "gray"}


def document_title(bank: Bank, document: str, lang: str) -> str:
    """The display title of a source document (falls back to its file name)."""
    for bank_file in bank.files:
        if bank_file.document == document:
            return bank_file.title.get(lang)
    return document


def render_meta(bank: Bank, question: Question) -> None:
    """Source reference, tags, difficulty, kind and a corrections badge, in one row."""
    lang = current_lang()
    with st.container(horizontal=True):
        st.badge(
            t(f"meta.difficulty.{question.difficulty}"),
            icon=":material/signal_cellular_alt:",
            color="violet",
        )
        st.badge(t(f"meta.kind.{question.kind}"), color="blue")
        for tag in question.tags:
            st.badge(tag_label(tag, lang), color="gray")
        if question.has_corrections:
            st.badge(
                t("browse.corrections", n=len(question.answer.corrections)),
                icon=":material/report:",
                color="red",
            )
    st.caption(
        f"{t('browse.source')}: {document_title(bank, question.source.document, lang)} · "
        f"{question.source.section.get(lang)} · `{question.source.document}` · id `{question.id}`"
    )


def render_premise(question: Question, lang: str) -> None:
    """A warning under a prompt that repeats its source document's false premise (bank Markdown)."""
    if question.premise:
        st.warning(question.premise.get(lang), icon=":material/report:")


def render_correction(correction: Correction, lang: str) -> None:
    color = _SEVERITY_COLOR[correction.severity]
    label = t(f"browse.severity.{correction.severity}")
    erratum = f" · {t('browse.erratum')} {correction.erratum}" if correction.erratum else ""
    with st.container(border=True):
        st.markdown(f":{color}-badge[{label}]{erratum}")
        st.markdown(f"**{t('browse.said')}:** ~~{correction.document_said.zh.strip()}~~")
        if lang == "en" and correction.document_said.en:
            st.caption(correction.document_said.en)
        st.markdown(f"**{t('browse.correction')}:** {correction.correction.get(lang)}")
        st.caption(f"{t('browse.evidence')}: " + "; ".join(correction.evidence))


def render_interview(interview: Text | None, lang: str) -> None:
    """The one-minute interview answer (bank Markdown), boxed and labelled, shown before the full answer."""
    if interview is None:
        return
    with st.container(border=True):
        st.markdown(f"**{t('browse.interview')}**")
        render_bank_markdown(interview.get(lang))


def render_bank_markdown(text: str) -> None:
    """Bank Markdown (never user text): prose as Markdown with maths, each fenced code block as
    st.code with wrapped lines, so no line is clipped in a narrow column."""
    for segment in split_code_blocks(text):
        if segment.is_code:
            st.code(segment.text, language=segment.code_language or None, wrap_lines=True)
        else:
            st.markdown(segment.text)


def render_key_points(question_points: list[KeyPoint], lang: str) -> None:
    """Key points as a Markdown list, bare notation such as R^{d×r} shown as maths."""
    st.markdown("\n".join(f"- {key_point_markdown(kp.text.get(lang))}" for kp in question_points))


def render_answer(bank: Bank, question: Question) -> None:
    """The answer key: interview answer, model answer, key points, corrections, solution code."""
    lang = current_lang()
    render_interview(interview_text(question, None), lang)
    st.markdown(f"#### {t('browse.answer')}")
    render_bank_markdown(question.answer.full.get(lang))
    st.markdown(f"#### {t('browse.key_points')}")
    render_key_points(question.answer.key_points, lang)
    if question.answer.corrections:
        st.markdown(f"#### {t('browse.corrections', n=len(question.answer.corrections))}")
        for correction in question.answer.corrections:
            render_correction(correction, lang)
    source = solution_source(bank, question)
    if source:
        with st.expander(t("browse.solution"), icon=":material/code:"):
            st.caption(f"`questions/{question.solution}`")
            st.code(source, language="python")


def render_follow_ups(question: Question) -> None:
    """Follow-up questions, each answer hidden in an expander until opened."""
    if not question.follow_ups:
        return
    lang = current_lang()
    st.markdown(f"#### {t('browse.follow_ups', n=len(question.follow_ups))}")
    for number, follow_up in enumerate(question.follow_ups, start=1):
        with st.expander(f"{number}. {follow_up.question.get(lang)}"):
            render_interview(follow_up.interview, lang)
            render_bank_markdown(follow_up.answer.get(lang))


def render_lab_link(question: Question) -> None:
    if question.lab:
        st.page_link(
            "pages/lab.py",
            label=t("browse.try_lab"),
            icon=":material/science:",
            query_params={"exp": question.lab},
        )
