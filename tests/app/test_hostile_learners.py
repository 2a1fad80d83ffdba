"""Learners that belong to someone (issue 12, failure 6 and "no access control on learners").

A reload keeps the chosen learner (``?learner=``) and a grade goes to them, never to "default";
switching learner clears the last one's card; a learner with a passphrase, or every learner on
a shared server (LORA_LAB_SHARED=1), opens only with that passphrase or the admin's; after five
wrong passphrases for a learner (in any session) or in one session, attempts wait.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import ui.core
from studykit.passphrase import hash_passphrase, verify_passphrase
from studykit.progress_location import database_url
from studykit.store import open_store
from studykit.unlock_attempts import FREE_ATTEMPTS, attempts_table
from tests.support.app_session import open_app
from tests.support.quiz_bank import fixture_bank
from ui.learner_access import PASSPHRASE_SETTING

SECRET = "correct horse battery"


@pytest.fixture
def learners(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """default, alice (no passphrase) and bob (passphrase SECRET)."""
    monkeypatch.setenv("LORA_LAB_DATA_DIR", str(tmp_path))
    for name in ("LORA_LAB_DATABASE_URL", "LORA_LAB_SHARED", "LORA_LAB_ADMIN_PASSPHRASE_HASH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(ui.core, "get_bank", fixture_bank)
    st.cache_resource.clear()
    store = open_store(database_url())
    for name in ("default", "alice", "bob"):
        store.ensure_profile(name)
    store.set_setting(store.get_profile("bob").id, PASSPHRASE_SETTING, hash_passphrase(SECRET))
    store.dispose()


def rows(name: str) -> int:
    store = open_store(database_url())
    try:
        return len(store.reviews(store.get_profile(name).id))
    finally:
        store.dispose()


def reload(page: str = "pages/quiz.py", query: dict[str, str] | None = None) -> AppTest:
    """A fresh browser session (a reload) in English, with the URL's query parameters."""
    return open_app(page, "en", query)


def grade_one(at: AppTest) -> None:
    at.button(key="review_reveal").click().run()
    at.button(key="review_rate_3").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_a_reload_keeps_the_learner_and_grades_go_to_them(learners: None) -> None:
    at = reload()
    at.selectbox(key="profile").set_value("alice").run()
    assert at.query_params["learner"] == ["alice"] or at.query_params["learner"] == "alice"
    reloaded = reload(query={"learner": "alice"})  # what the browser's reload sends
    assert reloaded.selectbox(key="profile").value == "alice"
    grade_one(reloaded)
    assert (rows("alice"), rows("default")) == (1, 0)


def test_switching_learner_clears_the_open_card(learners: None) -> None:
    at = reload()
    at.text_area(key="review_answer_fx-q1").input("half an answer").run()
    at.button(key="review_reveal").click().run()
    assert at.session_state["review_revealed_fx-q1"] is True
    at.selectbox(key="profile").set_value("alice").run()
    assert "review_revealed_fx-q1" not in at.session_state
    assert "review_typed_fx-q1" not in at.session_state
    grade_one(at)
    assert (rows("alice"), rows("default")) == (1, 0)


def test_a_learner_with_a_passphrase_opens_only_with_it(learners: None) -> None:
    at = reload(query={"learner": "bob"})  # a link or reload naming bob: nobody is shown
    assert any("Choose your learner" in i.value for i in at.info)
    assert not at.get("button") or "review_reveal" not in [b.key for b in at.button]
    at.text_input(key="profile_passphrase").input("wrong guess!").run()
    at.button(key="profile_unlock").click().run()
    assert any("does not open" in e.value for e in at.error)
    at.text_input(key="profile_passphrase").input(SECRET).run()
    at.button(key="profile_unlock").click().run()
    assert at.selectbox(key="profile").value == "bob"
    grade_one(at)
    assert (rows("bob"), rows("default")) == (1, 0)


def test_picking_a_locked_learner_keeps_the_current_one_open(learners: None) -> None:
    at = reload()
    at.selectbox(key="profile").set_value("bob").run()
    assert at.text_input(key="profile_passphrase")  # asked for bob's passphrase
    grade_one(at)  # still default's card
    assert (rows("bob"), rows("default")) == (0, 1)


def test_creating_an_existing_name_does_not_open_it(learners: None) -> None:
    at = reload()
    at.text_input(key="profile_new_name").input("bob").run()
    at.button(key="profile_create").click().run()
    assert any("already exists" in e.value for e in at.error)
    assert at.selectbox(key="profile").value == "default"


def test_shared_server_requires_passphrases_and_the_admin_opens_any(
    learners: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LORA_LAB_SHARED", "1")
    admin = "the teacher's passphrase"
    monkeypatch.setenv("LORA_LAB_ADMIN_PASSPHRASE_HASH", hash_passphrase(admin))
    at = reload("pages/stats.py")
    assert any("Choose your learner" in i.value for i in at.info)  # nobody's progress is shown
    assert not at.metric
    at.text_input(key="profile_new_name").input("carol").run()
    at.button(key="profile_create").click().run()
    assert any("needs a passphrase" in e.value for e in at.error)
    at.text_input(key="profile_new_name").input("carol").run()
    at.text_input(key="profile_new_passphrase").input("carol's secret").run()
    at.button(key="profile_create").click().run()
    assert at.selectbox(key="profile").value == "carol" and at.metric
    at.selectbox(key="profile").set_value("alice").run()  # no passphrase: locked when shared
    assert at.selectbox(key="profile").value == "alice" and at.text_input(key="profile_passphrase")
    at.text_input(key="profile_passphrase").input(admin).run()
    at.button(key="profile_unlock").click().run()
    assert at.selectbox(key="profile").value == "alice" and not at.error


def test_passphrases_are_stored_as_argon2_hashes() -> None:
    stored = hash_passphrase(SECRET)
    assert stored.startswith("$argon2id$") and SECRET not in stored
    assert verify_passphrase(stored, SECRET) and not verify_passphrase(stored, SECRET + "!")
    assert not verify_passphrase("not a hash", SECRET) and not verify_passphrase(None, SECRET)
    assert not verify_passphrase(stored, "x" * 10_000)  # bounded work for a forged form
    with pytest.raises(ValueError):
        hash_passphrase("short")


def _try(at: AppTest, passphrase: str) -> None:
    at.text_input(key="profile_passphrase").input(passphrase).run()
    at.button(key="profile_unlock").click().run()
    assert not at.exception, [e.value for e in at.exception]


def _lift_learner_waits() -> None:
    """As if the learners' waits were over (the clock moved on)."""
    store = open_store(database_url())
    try:
        with store.engine.begin() as conn:
            conn.execute(attempts_table.update().values(locked_until=None))
    finally:
        store.dispose()


def test_wrong_passphrases_are_limited_per_learner_across_sessions(learners: None) -> None:
    at = reload(query={"learner": "bob"})
    for _ in range(FREE_ATTEMPTS - 1):
        _try(at, "wrong guess!")
        assert any("does not open" in e.value for e in at.error)
    _try(at, "wrong guess!")  # the fifth: now a wait, said so
    assert any("Too many wrong passphrases" in e.value and "30 s" in e.value for e in at.error)
    _try(at, SECRET)  # even the right one is not checked during the wait
    assert any("Too many wrong passphrases" in e.value for e in at.error)
    assert at.selectbox(key="profile").value == "bob" and at.text_input(key="profile_passphrase")
    other = reload(query={"learner": "bob"})  # another browser (or server process): same count
    _try(other, SECRET)
    assert any("Too many wrong passphrases" in e.value for e in other.error)
    zh = reload(query={"learner": "bob"})
    zh.session_state["lang"] = "zh"
    _try(zh, SECRET)
    assert any("口令错误次数过多" in e.value and "秒" in e.value for e in zh.error)
    _lift_learner_waits()
    fresh = reload(query={"learner": "bob"})  # the wait is over: the owner gets in
    _try(fresh, SECRET)
    assert not fresh.error and fresh.selectbox(key="profile").value == "bob"
    grade_one(fresh)
    assert rows("bob") == 1


def test_wrong_passphrases_are_limited_per_session_across_learners(learners: None) -> None:
    store = open_store(database_url())
    for name in ("carol", "dave"):
        store.set_setting(
            store.ensure_profile(name).id, PASSPHRASE_SETTING, hash_passphrase(SECRET)
        )
    store.dispose()
    at = reload()
    for name, tries in (("bob", 3), ("carol", 2)):  # under five for each learner
        at.selectbox(key="profile").set_value(name).run()
        for _ in range(tries):
            _try(at, "wrong guess!")
    at.selectbox(key="profile").set_value("dave").run()
    _try(at, SECRET)  # dave's right passphrase, but this session guessed five times
    assert any("Too many wrong passphrases" in e.value for e in at.error)
    assert at.text_input(key="profile_passphrase")
    other = reload()  # another session may still open dave
    other.selectbox(key="profile").set_value("dave").run()
    _try(other, SECRET)
    assert not other.error and other.selectbox(key="profile").value == "dave"
