"""The Group page: who is here (presenter with a token, learner with a key, or someone arriving)."""

from __future__ import annotations

import streamlit as st

from ui.core import t
from ui.group.learner import learner_view
from ui.group.presenter import presenter_view
from ui.group.room_setup import presenter_setup
from ui.quiz.session import database_guard

ROLE_KEY = "group_role"


def group_page() -> None:
    params = st.query_params
    with database_guard():  # a database that goes away gives a clear message, not a traceback
        if params.get("token"):
            presenter_view(params.get("room", ""), params.get("token"))
        elif params.get("member"):
            learner_view(params.get("room", ""), params.get("member"))
        else:
            _arrival()


def _arrival() -> None:
    st.title(t("group.title"))
    st.caption(t("group.intro"))
    st.session_state.setdefault(ROLE_KEY, "learner")
    role = st.segmented_control(
        t("group.role.label"),
        ["learner", "presenter"],
        format_func={r: t(f"group.role.{r}") for r in ("learner", "presenter")}.__getitem__,
        key=ROLE_KEY,
        required=True,
    )
    if role == "presenter":
        presenter_setup()
    else:
        learner_view(st.query_params.get("room", ""), None)
