"""Per-key-point feedback on a graded typed answer: covered / partial / missed / contradicted.

Each point shows the learner's words that decided it; a contradicted point names the misconception, quotes the
learner's sentence and shows the correction with its evidence. Everything the learner typed is shown with
st.text (never Markdown); authored bank text keeps its Markdown.
"""

from __future__ import annotations

import streamlit as st

from studykit.bank_markdown import key_point_markdown
from studykit.grading import GradeResult, PointResult
from studykit.schema import KeyPoint
from ui.core import t

STATUS_ICONS = {  # also the study group's feedback (ui/group/learner_feedback.py)
    "covered": ":green[:material/check_circle:]",
    "partial": ":orange[:material/timelapse:]",
    "missed": ":red[:material/cancel:]",
    "contradicted": ":red[:material/report:]",
}


def _status_label(point: PointResult) -> str:
    status = getattr(point, "status", "covered" if point.covered else "missed")
    if status == "partial":
        return t("quiz.feedback.partial", share=f"{point.score:.0%}")
    return t(f"quiz.feedback.{status}")


def _contradiction(point: PointResult, lang: str) -> None:
    hit = point.misconception
    if hit is None:
        return
    with st.container(border=True):
        st.markdown(f":red[**{t('quiz.feedback.misconception', name=hit.name.get(lang))}**]")
        st.caption(t("quiz.feedback.you_wrote"))
        st.text(hit.sentence)
        st.caption(t("quiz.feedback.correction"))
        st.markdown(hit.correction.get(lang))
        if hit.evidence:
            st.caption(t("quiz.feedback.sources"))
            st.text("\n".join(f"• {item}" for item in hit.evidence))


def point_feedback(result: GradeResult, key_points: list[KeyPoint], lang: str) -> None:
    """One row per key point, in the answer key's order."""
    for point in result.points:
        status = getattr(point, "status", "covered" if point.covered else "missed")
        text = key_point_markdown(key_points[point.index].text.get(lang))  # bank text only
        st.markdown(f"{STATUS_ICONS[status]} **{_status_label(point)}** · {text}")
        if status == "contradicted":
            _contradiction(point, lang)
        elif point.evidence:
            st.text(f"{t('quiz.feedback.your_words')} {point.evidence}")
    if getattr(result, "contradicted", None):
        st.warning(t("quiz.feedback.proposed_again"), icon=":material/report:")
