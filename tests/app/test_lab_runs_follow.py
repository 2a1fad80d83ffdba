"""The Training tab's runs box shows the current r:alpha until the learner writes their own."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.filterwarnings("ignore")
LAB = "pages/lab.py"


def test_runs_box_follows_r_and_alpha_until_edited(open_page) -> None:
    at = open_page(LAB, lang="en")
    assert at.text_input(key="lab_runs").value == "8:16"
    at.slider(key="lab_r").set_value(4)
    at.slider(key="lab_alpha").set_value(12).run()
    assert not at.exception
    assert at.text_input(key="lab_runs").value == "4:12"

    at.text_input(key="lab_runs").set_value("2:4, 16:32").run()
    at.slider(key="lab_r").set_value(32).run()
    assert not at.exception
    assert at.text_input(key="lab_runs").value == "2:4, 16:32"  # the learner's own list stays
