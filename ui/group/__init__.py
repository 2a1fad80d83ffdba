"""Streamlit side of study-group mode (pages/group.py): the presenter's room and the learner's view.

The room logic is in `studykit.rooms`; these modules only draw it. Every learner-given string (names,
answers) and every room value is shown with `st.text`, never as Markdown or HTML.
"""

from ui.group.page import group_page

__all__ = ["group_page"]
