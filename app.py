"""LoRA Interview Lab: the router. Pages live in pages/, logic in studykit/ and lora_demo/."""

import streamlit as st

from ui.core import get_bank, init_language, language_switch, t
from ui.error_report import reported_errors
from ui.group.common import is_projector
from ui.heap import settle_heap
from ui.quiz import profile_picker
from ui.runner_handoff import install as keep_finished_runs

# an emoji icon: Streamlit fetches a ":material/…:" page icon from fonts.gstatic.com (no outside requests)
st.set_page_config(page_title="LoRA Interview Lab", page_icon="🎓", layout="wide")
init_language()
# once per process: keeps the after-run garbage collection cheap under load. Waiting (only the
# process's first runs) keeps the page's own imports of torch/peft from racing the background
# thread's: two threads importing them at once hit Python's import-deadlock detection
# ("cannot import name 'AutoModel' from 'transformers'" on a fresh checkout). The bank is loaded
# before the freeze: loaded after it, every live-view poll's post-run collection scanned it (issue 16).
settle_heap(wait=True, keep=(get_bank,))
# once per process: a run that finished just before the next one started still reaches the browser
# (Streamlit drops it when its events are still queued; issue 16, ui/runner_handoff.py)
keep_finished_runs()

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

with reported_errors():  # no traceback on the page: an error id, details in the log
    page.run()
