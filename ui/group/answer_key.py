"""The corrected answer key as a learner sees it after the reveal, in as few elements as possible.

The learner's live fragment redraws its whole area on every poll, so after the reveal each poll
re-sends the key. The Browse page's `render_answer` draws it as ~20 elements (one message each);
30 learners polling every 2 s then made ~500 messages a second, more than the server's event loop
flushed on the shared machine (issue 16). Here the same content (interview answer, answer, key
points, corrections) is one Markdown element, and the solution code one expander.
"""

from __future__ import annotations

import streamlit as st

from studykit.bank import Bank, solution_source
from studykit.bank_markdown import key_point_markdown
from studykit.interview import interview_text
from studykit.schema import Correction, Question
from ui.core import current_lang, t

SEVERITY_COLOR = {"wrong": "red", "misleading": "orange", "imprecise": "yellow", "typo": "gray"}


def learner_answer_key(bank: Bank, question: Question) -> None:
    """Draw the answer key: one Markdown element, then the solution code (if any) in an expander."""
    lang = current_lang()
    st.markdown(answer_key_markdown(question, lang))  # bank content (trusted Markdown)
    source = solution_source(bank, question)
    if source:
        label = f"{t('browse.solution')} · `questions/{question.solution}`"
        with st.expander(label, icon=":material/code:"):
            st.code(source, language="python")


def answer_key_markdown(question: Question, lang: str) -> str:
    """Interview answer, full answer, key points and corrections as one Markdown document."""
    parts: list[str] = []
    interview = interview_text(question, None)
    if interview is not None:
        parts += [f"**{t('browse.interview')}**", interview.get(lang), "---"]
    parts += [f"#### {t('browse.answer')}", question.answer.full.get(lang)]
    parts += [f"#### {t('browse.key_points')}"]
    parts.append(
        "\n".join(f"- {key_point_markdown(kp.text.get(lang))}" for kp in question.answer.key_points)
    )
    if question.answer.corrections:
        parts.append(f"#### {t('browse.corrections', n=len(question.answer.corrections))}")
        parts += [_correction_markdown(c, lang) for c in question.answer.corrections]
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def _correction_markdown(correction: Correction, lang: str) -> str:
    color = SEVERITY_COLOR[correction.severity]
    label = t(f"browse.severity.{correction.severity}")
    erratum = f" · {t('browse.erratum')} {correction.erratum}" if correction.erratum else ""
    lines = [
        f":{color}-badge[{label}]{erratum}",
        f"**{t('browse.said')}:** ~~{correction.document_said.zh.strip()}~~",
    ]
    if lang == "en" and correction.document_said.en:
        lines.append(correction.document_said.en.strip())
    lines.append(f"**{t('browse.correction')}:** {correction.correction.get(lang)}")
    lines.append(f"{t('browse.evidence')}: " + "; ".join(correction.evidence))
    return "\n\n".join(lines)
