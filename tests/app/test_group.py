"""AppTest flows of the Group page: presenter and learners in separate sessions on one database.

Covers the full round (create, join, open, answer, live counts, reveal, feedback), and the edge cases:
wrong code, expired room, presenter tab reopened (and a wrong token), learner refresh mid-question,
double submit from two tabs, hostile names shown as text, both languages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from studykit.i18n import translate
from studykit.progress_location import database_url
from studykit.rooms import RoomService
from studykit.rooms.tally import Graded
from studykit.store import open_store

Opener = Callable[..., AppTest]
ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "<img src=x onerror=alert(1)>**bold**$x$"  # 38 characters: a valid name


def en(key: str, **values: object) -> str:
    return translate(key, "en", **values)


def presenter(open_page: Opener, lang: str = "en") -> AppTest:
    at = open_page("pages/group.py", lang=lang)
    at.button_group(key="group_role").set_value("presenter").run()
    at.button(key="group_create").click().run()
    assert not at.exception, at.exception
    assert at.query_params.get("token"), "the presenter token is in the URL"
    return at


def code_of(at: AppTest) -> str:
    return at.query_params["room"][0]


def learner(open_page: Opener, code: str, name: str) -> AppTest:
    at = open_page("pages/group.py", lang="en", query={"room": code})
    assert at.text_input(key="group_join_code").value == code  # prefilled from the join link
    at.text_input(key="group_join_name").input(name)
    at.button(key="group_join").click().run()
    assert not at.exception, at.exception
    return at


def counts(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label == en("group.answered"))


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_full_round_both_roles(open_page: Opener) -> None:
    host = presenter(open_page)
    code = code_of(host)
    assert code in [m.value for m in host.metric]
    assert host.get_by_key("group_code") is not None
    assert any(img for img in host.image), "the QR code is drawn"

    ann = learner(open_page, code, "Ann")
    assert any(en("group.waiting") in i.value for i in ann.info)
    assert ann.query_params.get("member"), "the learner's key is in the URL"

    host.button(key="group_open_next").click().run()
    assert counts(host) == "0/1"
    ann.run()
    question_box = ann.text_area(key="group_answer")
    question_box.input("B is zero so the update starts at zero; A is random").run()
    ann.button(key="group_submit").click().run()
    assert not ann.exception
    assert any(en("group.answer_in") in s.value for s in ann.success)
    assert "B is zero so the update starts at zero; A is random" in [x.value for x in ann.text]

    host.run()
    assert counts(host) == "1/1"
    tally = host.table[0].value
    assert tally.to_numpy().sum() == len(tally.index)  # one answer: one status per key point
    assert "B is zero so the update starts at zero; A is random" in [x.value for x in host.text]

    host.button(key="group_reveal").click().run()
    ann.run()
    assert any(en("group.your_feedback") in m.value for m in ann.markdown)
    assert any(m.label == en("group.coverage") for m in ann.metric)
    assert host.button(key="group_reveal").disabled


def test_wrong_code_then_right_code(open_page: Opener) -> None:
    host = presenter(open_page)
    at = open_page("pages/group.py", lang="en")
    at.text_input(key="group_join_code").input("ZZZZ99")
    at.text_input(key="group_join_name").input("Ann")
    at.button(key="group_join").click().run()
    assert errors(at) == [en("group.error.not_found")]
    assert "member" not in at.query_params
    at.text_input(key="group_join_code").input(code_of(host).lower())  # typed in lower case
    at.button(key="group_join").click().run()
    assert not errors(at) and at.query_params.get("member")


def test_empty_and_duplicate_names(open_page: Opener) -> None:
    code = code_of(presenter(open_page))
    at = learner(open_page, code, "   ")
    assert errors(at) == [en("group.error.bad_name")]
    learner(open_page, code, "Ann")
    again = learner(open_page, code, "Ann")
    assert errors(again) == [en("group.error.name_taken")]


def test_expired_room(open_page: Opener) -> None:
    store = open_store(database_url())
    rooms = RoomService(store.engine)
    room, token = rooms.create_room(["s000-a-q01-lora-principle"])
    ann = rooms.join(room.code, "Ann")
    rooms.open_question(room.code, token, 0)
    rooms.submit(room.code, ann, 0, "kept answer", Graded(0.5, ("covered",), None, 2))
    store.dispose()
    expired = RoomService(open_store(database_url()).engine)
    late, late_token = expired.create_room(["s000-a-q01-lora-principle"], ttl=timedelta(0))

    join = open_page("pages/group.py", lang="en", query={"room": late.code})
    join.text_input(key="group_join_name").input("Bo")
    join.button(key="group_join").click().run()
    assert errors(join) == [en("group.error.expired")]

    host = open_page("pages/group.py", lang="en", query={"room": late.code, "token": late_token})
    assert any(en("group.error.expired") in w.value for w in host.warning)
    assert not [b for b in host.button if b.key == "group_open_next"]

    # A learner of a room that ended meanwhile still sees the answer they gave.
    with_clock = RoomService(open_store(database_url()).engine, clock=lambda: room.expires_at)
    assert with_clock.room(room.code).code == room.code
    seat = open_page("pages/group.py", lang="en", query={"room": room.code, "member": ann.token})
    assert "kept answer" in [x.value for x in seat.text]


def test_presenter_tab_reopened_and_wrong_token(open_page: Opener) -> None:
    host = presenter(open_page)
    code, token = code_of(host), host.query_params["token"][0]
    host.button(key="group_open_next").click().run()
    on_screen = [s.value for s in host.subheader if s.value.startswith("Question 1 of ")]
    assert on_screen, "the presenter sees the question it opened"
    reopened = open_page("pages/group.py", lang="en", query={"room": code, "token": token})
    # the reopened tab shows the same open question (the pick's size depends on the cached bank)
    assert on_screen[0] in [s.value for s in reopened.subheader]
    assert not reopened.button(key="group_reveal").disabled
    thief = open_page("pages/group.py", lang="en", query={"room": code, "token": "guess"})
    assert errors(thief) == [en("group.error.not_presenter")]
    assert not [b for b in thief.button if b.key == "group_reveal"]


def test_next_clicked_twice_for_one_question_opens_it_once(open_page: Opener) -> None:
    """A "next" click delivered twice (Streamlit replays a button's trigger into a rerun that
    preempted the first) or from a stale second tab must not skip a question (issue 16)."""
    host = presenter(open_page)
    code, token = code_of(host), host.query_params["token"][0]
    host.button(key="group_open_next").click().run()  # question 1
    stale = open_page("pages/group.py", lang="en", query={"room": code, "token": token})
    host.button(key="group_open_next").click().run()  # question 2
    stale.button(key="group_open_next").click().run()  # "next" after question 1 again
    assert not stale.exception and not errors(stale)
    assert [s.value for s in stale.subheader if s.value.startswith("Question 2 of ")]
    store = open_store(database_url())
    try:
        assert RoomService(store.engine).room(code).current == 1
    finally:
        store.dispose()


def test_learner_refresh_and_double_submit(open_page: Opener) -> None:
    host = presenter(open_page)
    code = code_of(host)
    ann = learner(open_page, code, "Ann")
    host.button(key="group_open_next").click().run()
    member = ann.query_params["member"][0]

    # A refresh mid-question (a new session with the same URL): same seat, the question open.
    refreshed = open_page("pages/group.py", lang="en", query={"room": code, "member": member})
    assert refreshed.text_area(key="group_answer").value == ""
    # Two tabs of the same learner both submit: the first answer is kept, the second is told so.
    ann.run()
    ann.text_area(key="group_answer").input("first answer")
    refreshed.text_area(key="group_answer").input("second answer")
    ann.button(key="group_submit").click().run()
    refreshed.button(key="group_submit").click().run()
    assert any(en("group.already_answered") in i.value for i in refreshed.info)
    assert "first answer" in [x.value for x in refreshed.text]
    host.run()
    assert counts(host) == "1/1"

    # Reload after answering: the answer is shown, no new answer box.
    again = open_page("pages/group.py", lang="en", query={"room": code, "member": member})
    assert "first answer" in [x.value for x in again.text]
    assert not [a for a in again.text_area if a.key == "group_answer"]


def test_empty_answer_is_refused_and_skip_counts(open_page: Opener) -> None:
    host = presenter(open_page)
    ann = learner(open_page, code_of(host), "Ann")
    host.button(key="group_open_next").click().run()
    ann.run()
    ann.button(key="group_submit").click().run()
    assert errors(ann) == [en("group.error.empty")]
    ann.button(key="group_skip").click().run()
    assert any(en("group.you_skipped") in i.value for i in ann.info)
    host.run()
    assert counts(host) == "1/1"
    assert next(m.value for m in host.metric if m.label == en("group.skipped")) == "1"


def test_hostile_name_and_answer_are_text(open_page: Opener) -> None:
    host = presenter(open_page)
    ann = learner(open_page, code_of(host), HOSTILE)
    assert HOSTILE in [x.value for x in ann.text]
    host.button(key="group_open_next").click().run()
    ann.run()
    ann.text_area(key="group_answer").input(HOSTILE)
    ann.button(key="group_submit").click().run()
    host.run()
    assert HOSTILE in [x.value for x in host.text]
    for at in (host, ann):
        assert not any("<img" in m.value or "**bold**" in m.value for m in at.markdown)


def test_both_languages(open_page: Opener) -> None:
    zh = open_page("pages/group.py", lang="zh")
    assert zh.title[0].value == translate("group.title", "zh")
    host = presenter(open_page, lang="zh")
    assert any(m.label == translate("group.code", "zh") for m in host.metric)


def test_projector_view_has_no_sidebar(open_page: Opener) -> None:
    host = presenter(open_page)
    assert len(host.sidebar.children) > 0
    host.toggle(key="group_projector").set_value(True).run()
    assert host.query_params.get("view") == ["projector"]
    assert len(host.sidebar.children) == 0


def test_answers_kept_in_the_learners_progress(open_page: Opener) -> None:
    host = presenter(open_page)
    at = open_page("pages/group.py", lang="en", query={"room": code_of(host)})
    at.text_input(key="group_join_name").input("Ann")
    at.checkbox(key="group_keep").check()
    at.button(key="group_join").click().run()
    host.button(key="group_open_next").click().run()
    at.run()
    at.text_area(key="group_answer").input("B starts at zero so the update is zero at first")
    at.button(key="group_submit").click().run()
    store = open_store(database_url())
    try:
        profile = store.get_profile("default")
        assert profile is not None
        logged = store.reviews(profile.id)
        assert len(logged) == 1 and logged[0].coverage is not None
        host.button(key="group_reveal").click().run()
        at.run()
        at.button(key="group_send").click().run()
        assert any(en("group.sent_quiz") in s.value for s in at.success)
        assert at.button(key="group_send").disabled  # sent once per question
        ratings = [r.rating for r in store.reviews(profile.id)]
        assert ratings[-1] == 1 and len(ratings) == 2  # "Again": due now in the daily review
    finally:
        store.dispose()


def test_learner_without_profile_leaves_progress_alone(open_page: Opener) -> None:
    host = presenter(open_page)
    ann = learner(open_page, code_of(host), "Ann")
    host.button(key="group_open_next").click().run()
    ann.run()
    ann.text_area(key="group_answer").input("an answer")
    ann.button(key="group_submit").click().run()
    host.button(key="group_reveal").click().run()
    ann.run()
    assert not [b for b in ann.button if b.key == "group_send"]
    store = open_store(database_url())
    try:
        profile = store.get_profile("default")
        assert profile is None or store.reviews(profile.id) == []
    finally:
        store.dispose()


def test_join_link_uses_the_public_url(open_page: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LORA_LAB_PUBLIC_URL", "https://lab.example.org/")
    host = presenter(open_page)
    assert f"https://lab.example.org/group?room={code_of(host)}" in [x.value for x in host.text]


# A fresh interpreter: the heap is settled once per process, and this process's other tests have
# already settled it (and cleared the cached bank).
BANK_SCAN_PROBE = textwrap.dedent(
    """
    import gc, json
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file("app.py", default_timeout=300).run()
    assert not at.exception, at.exception
    from ui.core import get_bank
    bank = get_bank()
    scanned = {id(o) for o in gc.get_objects()}  # what every post-run collection walks
    print(json.dumps({"questions": len(bank.questions),
                      "scanned": sum(id(q) in scanned for q in bank.questions)}))
    """
)


def test_live_view_polls_do_not_scan_the_question_bank(tmp_path: Path) -> None:
    """Streamlit collects garbage after every run, and each learner's live view is a run every 2 s.

    The bank (~50 k objects, loaded by the first page) must be frozen out of those collections with
    the libraries: when it was loaded after the freeze, 30 learners' polls kept the server busy
    collecting and question 2 never reached their pages (issue 16, bench/LOAD_RESULTS.md).
    """
    env = {**os.environ, "LORA_LAB_DATA_DIR": str(tmp_path / "data"), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", BANK_SCAN_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["questions"] > 0
    assert result["scanned"] == 0, result
