"""Home: what is in the bank and where to start."""

import pandas as pd
import plotly.express as px
import streamlit as st

from studykit.bank_stats import bank_summary
from ui.core import current_lang, ensure_router, get_bank, show_bank_problems, t

ensure_router()
bank, lang = get_bank(), current_lang()
show_bank_problems(bank)
st.title(t("home.title"))
st.markdown(t("home.tagline"))

summary = bank_summary(bank, lang)
cols = st.columns(4)
cols[0].metric(t("home.questions"), summary.questions)
cols[1].metric(t("home.follow_ups"), summary.follow_ups)
cols[2].metric(t("home.corrections"), summary.corrections)
cols[3].metric(t("home.documents"), summary.documents)

left, right = st.columns(2)
for column, title, counts in (
    (left, "home.by_source", summary.by_source),
    (right, "home.by_tag", summary.by_tag),
):
    frame = pd.DataFrame({"name": list(counts), t("home.count"): list(counts.values())})
    figure = px.bar(frame, x=t("home.count"), y="name", orientation="h", title=t(title), height=420)
    figure.update_layout(
        yaxis={"title": None, "autorange": "reversed"}, margin={"l": 10, "r": 10, "t": 50, "b": 10}
    )
    column.plotly_chart(figure, key=f"home_{title}")

st.subheader(t("home.start"))
for page, text, label, icon in (
    ("pages/browse.py", "home.start_browse", "home.go_browse", ":material/quiz:"),
    ("pages/notes.py", "home.start_notes", "home.go_notes", ":material/menu_book:"),
    ("pages/quiz.py", "home.start_quiz", "home.go_quiz", ":material/school:"),
    ("pages/lab.py", "home.start_lab", "home.go_lab", ":material/science:"),
):
    with st.container(border=True):
        st.markdown(t(text))
        st.page_link(page, label=t(label), icon=icon)
