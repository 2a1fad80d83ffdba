"""AppTest flows of the quiz page: daily review (reveal, grade, undo), typed feedback, follow-ups,
cram (schedule untouched), mock interview report, bad progress stores."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from studykit.bank import Bank
from studykit.progress_location import database_url
from studykit.store import open_store
from tests.support.app_session import open_app
from tests.support.quiz_app import log_rows, metric, open_quiz, real_or_fixture, use_bank
from tests.support.quiz_bank import fixture_bank


def test_daily_review_reveal_grade_undo(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_bank(monkeypatch, real_or_fixture())
    at = open_quiz()
    new_before = int(metric(at, "quiz.metric.new"))
    at.button(key="review_reveal").click().run()
    labels = [at.button(key=f"review_rate_{r}").label for r in (1, 2, 3, 4)]
    assert labels[0].startswith("重来") and "分钟" in labels[0]  # interval shown on the button
    at.button(key="review_rate_3").click().run()
    assert not at.exception
    rows = log_rows()
    assert len(rows) == 1 and rows[0].rating == 3 and rows[0].mode == "review"
    assert rows[0].duration_ms is not None and rows[0].proposed_rating is None
    assert int(metric(at, "quiz.metric.today")) == 1
    # the graded card is no longer in today's queue (follow-ups, if any, come first: skip them)
    if "review_skip_fu" in _keys(at):
        at.button(key="review_skip_fu").click().run()
    assert int(metric(at, "quiz.metric.new")) == new_before - 1
    at.button(key="review_undo").click().run()
    assert log_rows() == []
    assert int(metric(at, "quiz.metric.today")) == 0


def _keys(at: AppTest) -> set[str]:
    return {b.key for b in at.button if b.key}


def test_typed_answer_feedback_proposes_and_can_be_overridden(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_bank(monkeypatch, fixture_bank())
    at = open_quiz()
    at.text_area(key="review_answer_fx-q1").input("LoRA 用低秩分解，两个小矩阵相乘").run()
    at.button(key="review_reveal").click().run()
    assert any("覆盖率" in m.label for m in at.metric)
    proposed = [
        b
        for b in at.button
        if b.key and b.key.startswith("review_rate_") and b.proto.type == "primary"
    ]
    assert [b.key for b in proposed] == ["review_rate_2"]  # weight 2 of 4 -> 50 % -> Hard
    at.button(key="review_rate_4").click().run()  # the learner overrides
    (row,) = log_rows()
    assert (row.proposed_rating, row.rating) == (2, 4)
    assert row.coverage == pytest.approx(0.5) and row.missed_points == (1, 2)


def test_typed_answer_in_english(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_bank(monkeypatch, fixture_bank())
    at = open_quiz("en")
    text = "It is a low-rank decomposition; the pretrained weights are frozen and scaled by α/r."
    at.text_area(key="review_answer_fx-q1").input(text).run()
    at.button(key="review_reveal").click().run()
    assert any(m.label == "Key-point coverage" and m.value == "100%" for m in at.metric)
    assert at.button(key="review_rate_4").proto.type == "primary"


def test_follow_ups_are_drilled_after_the_question(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_bank(monkeypatch, fixture_bank())
    at = open_quiz("en")
    at.button(key="review_reveal").click().run()
    at.button(key="review_rate_3").click().run()
    assert any("Follow-up 1/2" in c.value for c in at.caption)
    at.text_area(key="review_answer_fx-q1#f1").input("B=0 so nothing changes").run()
    at.button(key="review_reveal").click().run()
    at.button(key="review_rate_3").click().run()
    assert any("Follow-up 2/2" in c.value for c in at.caption)
    at.button(key="review_skip_fu").click().run()
    keys = [r.card_key for r in log_rows()]
    assert keys == ["fx-q1", "fx-q1#f1"]
    assert not any("Follow-up" in c.value for c in at.caption)


def test_cram_does_not_touch_the_schedule(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_bank(monkeypatch, fixture_bank())
    at = open_quiz("en", mode="cram")
    at.session_state["cram_drill"] = False
    for _ in range(4):
        at.button(key="cram_reveal").click().run()
        at.button(key="cram_rate_1").click().run()
        assert not at.exception
    assert any("all 4 questions" in s.value for s in at.success)
    assert log_rows("review") == [] and len(log_rows("cram")) == 4
    at.button_group(key="quiz_mode").set_value("review").run()
    assert metric(at, "quiz.metric.new") == "4"  # still all new: nothing was scheduled


def test_mock_interview_report(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_bank(monkeypatch, fixture_bank())
    at = open_quiz("en", mode="mock")
    at.slider(key="mock_n").set_value(2).run()
    at.button(key="mock_start").click().run()
    steps = len(at.session_state["mock"]["steps"])
    assert steps >= 2
    at.text_area(key="mock_answer_0").input(
        "low-rank decomposition, frozen weights, B=0, query and value"
    ).run()
    at.button(key="mock_submit").click().run()
    for _ in range(steps - 1):
        at.button(key="mock_submit").click().run()
    assert not at.exception
    assert any(h.value == "Interview report" for h in at.subheader)
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == steps
    assert any("Weakest topics" in m.value for m in at.markdown)
    assert len(log_rows("mock")) == steps and log_rows("review") == []


def test_corrupted_progress_file_is_moved_aside(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_bank(monkeypatch, fixture_bank())
    (data_dir / "progress.sqlite3").write_bytes(b"this is not a database" * 100)
    at = open_quiz("en")
    assert any("moved to" in w.value for w in at.warning)
    assert list(data_dir.glob("progress.sqlite3.corrupt-*"))
    at.button(key="review_reveal").click().run()
    at.button(key="review_rate_3").click().run()
    assert len(log_rows()) == 1  # and it keeps working


def test_read_only_location_stays_browsable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("LORA_LAB_DATA_DIR", str(blocker / "sub"))  # cannot be created
    st.cache_resource.clear()
    use_bank(monkeypatch, fixture_bank())
    at = open_quiz("en")
    assert any("cannot be written" in w.value for w in at.warning)
    at.button_group(key="quiz_mode").set_value("cram").run()
    at.button(key="cram_reveal").click().run()
    assert not at.exception and at.button(key="cram_rate_3")


def test_empty_bank_message(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_bank(monkeypatch, Bank())
    at = open_quiz("en")
    assert any("no questions yet" in i.value for i in at.info)


def test_new_profile_has_its_own_progress(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_bank(monkeypatch, fixture_bank())
    at = open_app(lang="en")  # the sidebar's profile picker (shown before a page switch)
    at.text_input(key="profile_new_name").input("小明").run()
    at.button(key="profile_create").click().run()
    assert at.selectbox(key="profile").value == "小明"
    at.switch_page("pages/quiz.py")
    at.run()
    at.button(key="review_reveal").click().run()
    at.button(key="review_rate_3").click().run()
    assert metric(at, "quiz.metric.today") == "1"
    store = open_store(database_url())
    assert [(p.name, len(store.reviews(p.id))) for p in store.profiles()] == [
        ("default", 0),
        ("小明", 1),
    ]
    store.dispose()
    other = open_quiz("en")  # a new session starts on the first profile: its own, empty progress
    assert metric(other, "quiz.metric.today") == "0" and metric(other, "quiz.metric.new") == "4"


def test_daily_review_on_postgresql(monkeypatch: pytest.MonkeyPatch, postgres_url: str) -> None:
    from studykit.store import metadata

    url = postgres_url
    monkeypatch.setenv("LORA_LAB_DATABASE_URL", url)  # overrides LORA_LAB_DATA_DIR
    store = open_store(url)
    metadata.drop_all(store.engine)
    store.dispose()
    st.cache_resource.clear()
    use_bank(monkeypatch, fixture_bank())
    at = open_quiz("en")
    at.button(key="review_reveal").click().run()
    at.button(key="review_rate_3").click().run()
    assert metric(at, "quiz.metric.today") == "1"
    (row,) = log_rows()
    assert row.card_key == "fx-q1" and row.rating == 3


def test_desired_retention_is_saved_per_profile(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_bank(monkeypatch, fixture_bank())
    at = open_quiz("en")
    at.slider(key="quiz_retention_1").set_value(0.8).run()
    assert not at.exception
    store = open_store(database_url())
    assert store.get_setting(store.get_profile("default").id, "desired_retention") == "0.80"
    store.dispose()
    again = open_quiz("en")
    assert again.slider(key="quiz_retention_1").value == pytest.approx(0.8)
