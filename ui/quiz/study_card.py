"""One study card: prompt, optional typed answer, reveal (Space/Enter), then feedback and grading."""

from __future__ import annotations

import time

import streamlit as st
from fsrs import Card, Scheduler

from studykit.answer_limits import MAX_ANSWER_CHARS, bounded_answer
from studykit.cards import card_parts
from studykit.grading import GradeResult, grade_answer
from studykit.interview import interview_text
from studykit.schema import KeyPoint, Question
from studykit.store import ProgressStore
from studykit.tags import tag_label
from ui.core import current_lang, t
from ui.question_view import render_bank_markdown, render_interview, render_premise
from ui.quiz.card_context import CardContext
from ui.quiz.card_grading import feedback, rating_buttons


def _reveal(ctx: CardContext, key_points: list[KeyPoint]) -> None:
    typed = bounded_answer(st.session_state.get(ctx.state_key("answer")))  # cut before grading
    st.session_state[ctx.state_key("typed")] = typed
    st.session_state[ctx.state_key("grade")] = (
        grade_answer(typed, key_points) if key_points else None
    )
    st.session_state[ctx.state_key("revealed")] = True


def question_caption(question: Question, titles: dict[str, str], lang: str) -> str:
    """Source document and section, tags and difficulty, in one line."""
    tags = " · ".join(tag_label(tag, lang) for tag in question.tags)
    source = f"{titles.get(question.source.document, question.source.document)} — {question.source.section.get(lang)}"
    return f"{source} · {tags} · {t('quiz.difficulty', n=question.difficulty)}"


def card_header(
    question: Question, follow_up: int | None, titles: dict[str, str], lang: str
) -> None:
    """For a follow-up, its "Follow-up n/N" line and the parent's prompt; then the source caption
    and the boxed prompt."""
    prompt, _, _ = card_parts(question, follow_up, lang)
    if follow_up is not None:  # the parent's prompt for context (its answer stays hidden)
        st.caption(t("quiz.follow_up_of", n=follow_up, total=len(question.follow_ups)))
        st.caption(t("quiz.parent_prompt"))
        st.markdown(question.question.get(lang))
    st.caption(question_caption(question, titles, lang))
    with st.container(border=True):
        st.markdown(prompt)
    if follow_up is None:
        render_premise(question, lang)


def study_card(
    question: Question,
    ctx: CardContext,
    titles: dict[str, str],
    *,
    store: ProgressStore | None,
    scheduler: Scheduler | None = None,
    card: Card | None = None,
) -> None:
    """Prompt, optional typed answer, reveal (Space/Enter), feedback, Again/Hard/Good/Easy (1–4).

    `store=None` means this mode records nothing; `scheduler` adds the next interval to each button.
    """
    lang = current_lang()
    _, full, key_points = card_parts(question, ctx.follow_up, lang)
    st.session_state.setdefault(ctx.state_key("shown"), time.time())
    card_header(question, ctx.follow_up, titles, lang)
    revealed = st.session_state.get(ctx.state_key("revealed"), False)
    if not revealed:
        _answer_and_reveal(ctx, key_points)
        return
    typed = st.session_state.get(ctx.state_key("typed"), "")  # kept read-only by the feedback
    if typed.strip():
        st.caption(t("quiz.your_answer"))
        st.text(typed)
    render_interview(interview_text(question, ctx.follow_up), lang)
    result: GradeResult | None = st.session_state.get(ctx.state_key("grade"))
    feedback(result, key_points, lang)
    st.markdown(f"**{t('quiz.full_answer')}**")
    render_bank_markdown(full)
    if ctx.follow_up is None and question.answer.corrections:
        with st.expander(
            t("quiz.corrections", n=len(question.answer.corrections)), icon=":material/fact_check:"
        ):
            for fix in question.answer.corrections:
                st.markdown(f"- ~~{fix.document_said.get(lang)}~~ → {fix.correction.get(lang)}")
    rating_buttons(ctx, result, store, scheduler, card)


# (label, key suffix, button type, shortcut, icon): Space anywhere, Enter outside the text box
_REVEAL_BUTTONS = (
    ("quiz.reveal", "reveal", "primary", "Space", ":material/visibility:"),
    ("quiz.reveal_enter", "reveal_enter", "tertiary", "Enter", None),
)


def _answer_and_reveal(ctx: CardContext, key_points: list[KeyPoint]) -> None:
    """The answer box and the two reveal buttons (Space, and Enter outside the text box)."""
    st.text_area(
        t("quiz.your_answer"),
        key=ctx.state_key("answer"),
        max_chars=MAX_ANSWER_CHARS,
        placeholder=t("quiz.answer_placeholder"),
        height=120,
    )
    cols = st.columns([2, 2, 5])
    for col, (label, suffix, kind, shortcut, icon) in zip(cols, _REVEAL_BUTTONS, strict=False):
        col.button(
            t(label),
            key=f"{ctx.state_prefix}_{suffix}",
            type=kind,
            shortcut=shortcut,
            on_click=_reveal,
            args=(ctx, key_points),
            icon=icon,
        )
    cols[2].caption(t("quiz.keys_hint"))
