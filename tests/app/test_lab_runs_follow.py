"""The Training tab's runs box shows the current r:alpha until the learner writes their own, and
the tabs' inputs keep their values while another tab is open (only the open tab runs)."""

from __future__ import annotations

import pytest

from tests.support.lab_tabs import show_tab

pytestmark = pytest.mark.filterwarnings("ignore")
LAB = "pages/lab.py"


def test_runs_box_follows_r_and_alpha_until_edited(open_page) -> None:
    at = show_tab(open_page(LAB, lang="en"), "train")
    assert at.text_input(key="lab_runs").value == "8:16"
    at.slider(key="lab_r").set_value(4)
    at.slider(key="lab_alpha").set_value(12).run()
    assert not at.exception
    assert at.text_input(key="lab_runs").value == "4:12"

    at.text_input(key="lab_runs").set_value("2:4, 16:32").run()
    at.slider(key="lab_r").set_value(32).run()
    assert not at.exception
    assert at.text_input(key="lab_runs").value == "2:4, 16:32"  # the learner's own list stays


def test_a_closed_tab_keeps_its_inputs_and_only_the_open_tab_runs(open_page) -> None:
    at = show_tab(open_page(LAB, lang="en"), "train")
    at.select_slider(key="lab_steps").set_value(5)
    at.checkbox(key="lab_run_head").uncheck()
    at.text_input(key="lab_runs").set_value("2:4").run()
    show_tab(at, "params")
    assert not at.exception
    assert not at.get("text_input") or all(w.key != "lab_runs" for w in at.text_input)
    assert any(m.label == "Trainable parameters" for m in at.metric)
    at.slider(key="lab_r").set_value(16).run()  # a rerun that does not draw the Training tab
    show_tab(at, "train")
    assert at.select_slider(key="lab_steps").value == 5
    assert at.checkbox(key="lab_run_head").value is False
    assert at.text_input(key="lab_runs").value == "2:4"
    assert not any(m.label == "Trainable parameters" for m in at.metric)
