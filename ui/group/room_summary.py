"""A group room's end-of-session summary: per question, per learner (names on request), CSV export."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studykit.bank import Bank
from studykit.rooms import RoomState
from studykit.rooms.export import answers_csv
from studykit.rooms.tally import summarize
from ui.core import current_lang, t
from ui.group.common import (
    get_rooms,
    question_text,
    short_line,
)


def room_summary(room: RoomState, bank: Bank, token: str) -> None:
    rooms = get_rooms()
    answers = rooms.answers(room)
    names = rooms.member_names(room)
    by_id = bank.by_id()
    lang = current_lang()
    n_points = [
        len(by_id[qid].answer.key_points) if qid in by_id else 0 for qid in room.question_ids
    ]
    per_question, per_learner = summarize(room.question_ids, n_points, answers, names)
    # The export sits outside the expander: inside, it first appeared where it ends up and then
    # slid there with the opening animation, and a click in that moment pressed the button and
    # released it beside it, so no download started (the group e2e test, once in CI).
    st.download_button(
        t("group.export"),
        answers_csv(room.code, answers),
        file_name=f"group-{room.code}.csv",
        mime="text/csv",
        key="group_export",
        icon=":material/download:",
        on_click="ignore",
    )
    with st.expander(t("group.summary"), icon=":material/summarize:"):
        st.table(
            pd.DataFrame(
                [
                    {
                        "#": s.index + 1,
                        t("group.question"): short_line(
                            question_text(by_id.get(s.question_id), lang)
                        ),
                        t("group.answered"): s.answered,
                        t("group.skipped"): s.skipped,
                        t("group.coverage"): "–"
                        if s.mean_coverage is None
                        else f"{s.mean_coverage:.0%}",
                        t("group.top_misconception_col"): (
                            s.top_misconception[0].get(lang, "") if s.top_misconception else ""
                        ),
                    }
                    for s in per_question
                ]
            ).set_index("#")
        )
        if st.toggle(t("group.show_names"), key="group_show_names"):
            # st.dataframe shows every cell as text: hostile names stay harmless.
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            t("group.learner"): s.name,
                            t("group.answered"): s.answered,
                            t("group.skipped"): s.skipped,
                            t("group.coverage"): None
                            if s.mean_coverage is None
                            else round(s.mean_coverage * 100),
                        }
                        for s in per_learner
                    ]
                ),
                hide_index=True,
            )
