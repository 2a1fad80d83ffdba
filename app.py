"""LoRA Interview Lab: the router. Pages live in pages/, logic in studykit/ and lora_demo/."""

import streamlit as st

from studykit.group_ui.common import is_projector
from studykit.heap import settle_heap
from studykit.quiz_ui import profile_picker
from studykit.ui import init_language, language_switch, t

st.set_page_config(page_title="LoRA Interview Lab", page_icon=":material/school:", layout="wide")
init_language()
settle_heap()  # once per process: keeps the after-run garbage collection cheap under load

pages = [
    st.Page("pages/home.py", title=t("common.nav.home"), icon=":material/home:", default=True),
    st.Page("pages/browse.py", title=t("common.nav.browse"), icon=":material/quiz:"),
    st.Page("pages/notes.py", title=t("common.nav.notes"), icon=":material/menu_book:"),
    st.Page("pages/quiz.py", title=t("common.nav.quiz"), icon=":material/school:"),
    st.Page("pages/stats.py", title=t("common.nav.stats"), icon=":material/insights:"),
    st.Page("pages/lab.py", title=t("common.nav.lab"), icon=":material/science:"),
    st.Page("pages/group.py", title=t("group.nav"), icon=":material/groups:"),
]
page = st.navigation(pages, position="top")

if not is_projector():  # the Group page's projector layout: no sidebar, room for large type
    with st.sidebar:
        st.markdown(f"### {t('common.app_title')}")
        language_switch()
        profile_picker()  # the learner profile + progress-store health

page.run()
