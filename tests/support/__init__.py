"""Helpers shared by the test folders (conftest.py files and tests import them from here)."""
