"""Streamlit side of the self-quiz (pages/quiz.py) and the sidebar's profile picker.

One module per mode (daily_review, cram, mock_interview), the study card they share, and the store,
profile and progress access the stats page uses too. Logic lives in the pure modules of `studykit`.
Every grade is written by `grade_writer.write_grade` inside a button callback, before the rerun
that acknowledges it.
"""

from ui.quiz.sidebar import profile_picker

__all__ = ["profile_picker"]
