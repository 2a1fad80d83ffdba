"""Study-group rooms on both backends (SQLite file, real PostgreSQL): codes, roles, answers, tallies."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from studykit.rooms import RoomError, RoomService
from studykit.rooms.codes import ALPHABET, CODE_LENGTH, normalize_code
from studykit.rooms.export import answers_csv
from studykit.rooms.tables import room_metadata
from studykit.rooms.tally import Graded, grade, summarize, weak_question_ids
from studykit.schema import KeyPoint, Text
from studykit.store import open_store

BACKENDS = ["sqlite", "postgresql"]
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
QIDS = ["q-one", "q-two"]


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(params=BACKENDS)
def engine_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'progress.sqlite3'}"
        return
    url = request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    room_metadata.drop_all(engine)
    yield url
    room_metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def rooms(engine_url: str, clock: Clock) -> Iterator[RoomService]:
    store = open_store(engine_url)  # the app's engine: rooms live next to the progress tables
    yield RoomService(store.engine, clock)
    store.dispose()


def graded(*statuses: str, coverage: float = 0.5, wrong: str | None = None) -> Graded:
    misconception = {"zh": wrong, "en": wrong} if wrong else None
    return Graded(coverage, statuses, misconception, 2)


def test_codes_are_random_and_readable(rooms: RoomService) -> None:
    codes = {rooms.create_room(QIDS)[0].code for _ in range(20)}
    assert len(codes) == 20
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes)
    ordered = sorted(codes)
    assert ordered != [f"{i:06d}" for i in range(20)]
    assert normalize_code(" ab-c d ") == "ABCD"


def test_presenter_token_is_needed(rooms: RoomService) -> None:
    room, token = rooms.create_room(QIDS)
    for bad in (None, "", "guess", token + "x"):
        with pytest.raises(RoomError) as err:
            rooms.open_question(room.code, bad, 0)
        assert err.value.reason == "not_presenter"
    opened = rooms.open_question(room.code.lower(), token, 0)  # code typed in lower case works
    assert (opened.current, opened.revealed, opened.version) == (0, False, 1)


def test_wrong_code_and_bad_names(rooms: RoomService) -> None:
    room, _ = rooms.create_room(QIDS)
    for code in ("", "ZZZZZZ", "' OR 1=1 --"):
        with pytest.raises(RoomError) as err:
            rooms.join(code, "Ann")
        assert err.value.reason == "not_found"
    for name in ("", "   ", "x" * 41, "bell\x07"):
        with pytest.raises(RoomError) as err:
            rooms.join(room.code, name)
        assert err.value.reason == "bad_name"
    rooms.join(room.code, "Ann")
    with pytest.raises(RoomError) as err:
        rooms.join(room.code, " Ann ")
    assert err.value.reason == "name_taken"


def test_full_round_with_tallies_summary_and_csv(rooms: RoomService) -> None:
    room, token = rooms.create_room(QIDS)
    names = ["Ann", "<b>Bo</b>", "=SUM(A1)", "Dee"]
    members = [rooms.join(room.code, n) for n in names]
    with pytest.raises(RoomError) as err:  # nothing open yet
        rooms.submit(room.code, members[0], 0, "x", graded("covered"))
    assert err.value.reason == "question_closed"

    rooms.open_question(room.code, token, 0)
    rooms.submit(room.code, members[0], 0, "a1", graded("covered", "missed", coverage=0.5))
    rooms.submit(room.code, members[1], 0, "a2", graded("contradicted", "partial", wrong="swap"))
    rooms.submit(room.code, members[2], 0, "=1+1", graded("covered", "covered", coverage=1.0))
    rooms.submit(room.code, members[3], 0, "", None)  # a skip
    view = rooms.live(rooms.room(room.code), n_points=2)
    assert (view.joined, view.answered, view.skipped) == (4, 4, 1)
    assert view.points[0].counts == {"covered": 2, "partial": 0, "missed": 0, "contradicted": 1}
    assert view.points[1].counts == {"covered": 1, "partial": 1, "missed": 1, "contradicted": 0}
    assert view.top_misconception == ({"zh": "swap", "en": "swap"}, 1)
    assert view.examples == ["=1+1", "a2", "a1"]

    revealed = rooms.reveal(room.code, token)
    assert revealed.revealed and revealed.version == 2
    with pytest.raises(RoomError) as err:  # late answer after the reveal
        rooms.submit(room.code, members[3], 0, "late", graded("covered", "covered"))
    assert err.value.reason == "already_revealed"

    rooms.open_question(room.code, token, 1)
    with pytest.raises(RoomError) as err:  # an answer to the old question is refused
        rooms.submit(room.code, members[0], 0, "old", graded("covered", "covered"))
    assert err.value.reason == "question_closed"
    rooms.submit(room.code, members[0], 1, "b1", graded("missed", coverage=0.0))

    state = rooms.room(room.code)
    answers = rooms.answers(state)
    assert [(a.question_index, a.member_name, a.answer) for a in answers] == [
        (0, "Ann", "a1"),
        (0, "<b>Bo</b>", "a2"),
        (0, "=SUM(A1)", "=1+1"),
        (0, "Dee", ""),
        (1, "Ann", "b1"),
    ]
    per_q, per_learner = summarize(QIDS, [2, 1], answers, rooms.member_names(state))
    assert (per_q[0].answered, per_q[0].skipped, per_q[1].answered) == (3, 1, 1)
    assert per_q[0].mean_coverage == pytest.approx((0.5 + 0.5 + 1.0) / 3)
    assert [(s.name, s.answered, s.skipped) for s in per_learner] == [
        ("Ann", 2, 0),
        ("<b>Bo</b>", 1, 0),
        ("=SUM(A1)", 1, 0),
        ("Dee", 0, 1),
    ]
    assert weak_question_ids(QIDS, answers) == ["q-one", "q-two"]  # contradiction; coverage 0

    rows = list(csv.DictReader(io.StringIO(answers_csv(state.code, answers))))
    assert len(rows) == 5
    assert rows[2]["learner"] == "'=SUM(A1)" and rows[2]["answer"] == "'=1+1"
    assert rows[1]["key_points"] == "contradicted partial" and rows[1]["misconception"] == "swap"
    assert rows[3]["skipped"] == "yes" and rows[4]["question_no"] == "2"


def test_double_submit_keeps_the_first_answer(rooms: RoomService) -> None:
    room, token = rooms.create_room(QIDS)
    ann = rooms.join(room.code, "Ann")
    rooms.open_question(room.code, token, 0)
    first, new = rooms.submit(room.code, ann, 0, "first", graded("covered"))
    again, new_again = rooms.submit(room.code, ann, 0, "second", graded("missed"))
    assert (new, new_again) == (True, False)
    assert again.answer == "first" == first.answer
    assert len(rooms.answers(rooms.room(room.code))) == 1


def test_concurrent_double_submit_stores_one(rooms: RoomService) -> None:
    room, token = rooms.create_room(QIDS)
    ann = rooms.join(room.code, "Ann")
    rooms.open_question(room.code, token, 0)
    results: list[bool] = []
    threads = [
        threading.Thread(
            target=lambda i=i: results.append(
                rooms.submit(room.code, ann, 0, f"try {i}", graded("covered"))[1]
            )
        )
        for i in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]
    assert len(rooms.answers(rooms.room(room.code))) == 1


def test_learner_comes_back_with_their_key(rooms: RoomService) -> None:
    room, _ = rooms.create_room(QIDS)
    ann = rooms.join(room.code, "Ann")
    assert rooms.member(room.code, ann.token) == ann
    other, _ = rooms.create_room(QIDS)
    for code, key in ((room.code, "nope"), (room.code, None), (other.code, ann.token)):
        with pytest.raises(RoomError) as err:
            rooms.member(code, key)
        assert err.value.reason == "not_member"


def test_expired_room_refuses_but_keeps_answers(rooms: RoomService, clock: Clock) -> None:
    room, token = rooms.create_room(QIDS, ttl=timedelta(hours=1))
    ann = rooms.join(room.code, "Ann")
    rooms.open_question(room.code, token, 0)
    rooms.submit(room.code, ann, 0, "kept", graded("covered"))
    clock.now = T0 + timedelta(hours=1, seconds=1)
    for action in (
        lambda: rooms.join(room.code, "Bo"),
        lambda: rooms.open_question(room.code, token, 1),
        lambda: rooms.submit(room.code, ann, 0, "x", graded("covered")),
    ):
        with pytest.raises(RoomError) as err:
            action()
        assert err.value.reason == "expired"
    state = rooms.presenter_room(room.code, token)  # the summary stays readable
    assert [a.answer for a in rooms.answers(state)] == ["kept"]


def test_timer_closes_answers(rooms: RoomService, clock: Clock) -> None:
    room, token = rooms.create_room(QIDS)
    ann, bo = rooms.join(room.code, "Ann"), rooms.join(room.code, "Bo")
    rooms.open_question(room.code, token, 0, timer_s=30)
    clock.now = T0 + timedelta(seconds=31)  # within the grace
    rooms.submit(room.code, ann, 0, "just in time", graded("covered"))
    clock.now = T0 + timedelta(seconds=60)
    with pytest.raises(RoomError) as err:
        rooms.submit(room.code, bo, 0, "late", graded("covered"))
    assert err.value.reason == "time_up"


def test_limits(rooms: RoomService) -> None:
    with pytest.raises(RoomError):
        rooms.create_room([])
    with pytest.raises(RoomError):
        rooms.create_room([f"q{i}" for i in range(51)])
    room, token = rooms.create_room(QIDS)
    ann = rooms.join(room.code, "Ann")
    rooms.open_question(room.code, token, 0)
    with pytest.raises(RoomError) as err:
        rooms.submit(room.code, ann, 0, "x" * 4001, graded("covered"))
    assert err.value.reason == "too_long"
    with pytest.raises(RoomError) as err:
        rooms.open_question(room.code, token, 2)
    assert err.value.reason == "bad_index"


def test_two_services_share_a_room(engine_url: str, clock: Clock) -> None:
    """Two app processes = two engines on one database: a room made by one is used by the other."""
    one, two = open_store(engine_url), open_store(engine_url)
    try:
        a, b = RoomService(one.engine, clock), RoomService(two.engine, clock)
        room, token = a.create_room(QIDS)
        ann = b.join(room.code, "Ann")
        a.open_question(room.code, token, 0)
        b.submit(room.code, ann, 0, "hello", graded("covered"))
        assert a.live(a.room(room.code), 1).answered == 1
        assert b.room(room.code).version == 1
    finally:
        one.dispose()
        two.dispose()


def test_grade_reads_the_graders_result() -> None:
    points = [
        KeyPoint(text=Text(zh="初始增量为零", en="the initial update is zero")),
        KeyPoint(text=Text(zh="作用于输入", en="applied to the input")),
    ]
    result = grade("the initial update is zero", points)
    assert result.statuses[0] == "covered" and result.statuses[1] in ("missed", "contradicted")
    assert 0 < result.coverage < 1
    empty = grade("", points)
    assert empty.statuses == ("missed", "missed") and empty.proposed is None
