"""Streamlit sections of the progress page (pages/stats.py stays short and calls into these).

The numbers come from the pure `studykit.stats`; these modules only draw them.
"""
