"""Property-based: a progress import is added completely or refused with a reason, nothing between.

Random bytes, random JSON, mutated exports (bad ids, naive or garbage timestamps, huge numbers,
long lists, extra keys, duplicates): `import_progress` returns the number of rows added and the
log grew by exactly that many, or raises `ImportRefused` and the log is unchanged. On SQLite and
on PostgreSQL (whose column types are stricter). Hostile profile names behave the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from studykit.progress_io import FORMAT, ImportRefused, import_progress
from studykit.store import ProgressStore, open_store
from tests.support.postgres import PgDatabase

INT32_MAX = 2**31 - 1
T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ProgressStore]:
    """An empty store on each backend (PostgreSQL: a private database on the test server)."""
    db = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'progress.sqlite3'}"
    else:
        db = PgDatabase(request.getfixturevalue("postgres_url"))
        url = db.url
    s = open_store(url)
    yield s
    s.dispose()
    if db is not None:
        db.drop()


IDS = st.one_of(
    st.sampled_from(["q-a", "lora-rank-1", "x", "q-a#f1"]),
    st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True),
    st.text(max_size=10),
    st.text(st.sampled_from("ab-"), min_size=120, max_size=130),
)
TIMES = st.one_of(
    st.datetimes(
        min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
    ).map(lambda d: d.isoformat()),
    st.sampled_from(
        ["2026-11-01T08:00:00", "2026-13-01T00:00:00Z", "yesterday", "", "2026-11-01T08:00+14:00"]
    ),
)
BIG = st.one_of(st.integers(-5, 5_000), st.integers(-(2**80), 2**80))
MAYBE = st.one_of(st.none(), st.booleans(), st.floats(), st.text(max_size=5), BIG)
RECORD = st.fixed_dictionaries(
    {"question_id": IDS, "reviewed_at": TIMES, "rating": st.one_of(st.integers(0, 5), MAYBE)},
    optional={
        "card_key": IDS,
        "mode": st.one_of(st.sampled_from(["review", "cram", "mock"]), st.text(max_size=6)),
        "duration_ms": st.one_of(BIG, MAYBE),
        "proposed_rating": st.one_of(st.integers(0, 5), MAYBE),
        "coverage": st.one_of(st.floats(-1, 2), MAYBE),
        "missed_points": st.one_of(st.none(), st.lists(BIG, max_size=150), MAYBE),
        "surprise": MAYBE,
    },
).map(lambda r: {**r, "card_key": r.get("card_key", r["question_id"])})
EXPORT = st.fixed_dictionaries(
    {
        "format": st.one_of(st.just(FORMAT), st.text(max_size=8)),
        "version": st.one_of(st.just(1), BIG),
        "exported_at": st.one_of(st.just(T0.isoformat()), TIMES),
        "profile": st.one_of(
            st.fixed_dictionaries({"name": st.text(max_size=90)}), MAYBE, st.just({})
        ),
        "reviews": st.one_of(st.lists(RECORD, max_size=8), MAYBE),
    }
)
JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
RAW = st.one_of(
    EXPORT.map(lambda d: json.dumps(d).encode()),
    EXPORT.map(lambda d: json.dumps(d)[: len(json.dumps(d)) // 2].encode()),  # cut short
    JSONISH.map(lambda d: json.dumps(d).encode()),
    st.binary(max_size=200),
    EXPORT.map(lambda d: json.dumps(d).encode("utf-16")),
)


def _rows(store: ProgressStore, profile_id: int) -> int:
    return store.log_version(profile_id)[0]


def _check_import(store: ProgressStore, raw: bytes) -> None:
    pid = store.ensure_profile("learner").id
    before = _rows(store, pid)
    try:
        added = import_progress(store, pid, raw)
    except ImportRefused as exc:
        message = str(exc)
        assert message.strip() and "Traceback" not in message and len(message) < 1000, message
        assert _rows(store, pid) == before, "a refused import changed the log"
    else:
        assert added >= 0 and _rows(store, pid) == before + added
    assert {p.name for p in store.profiles()} <= {"learner", "default"}


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(RAW)
@example(b"")
@example(b"\xff\xfe{")
@example(b'{"format": "lora-interview-lab-progress", "version": 1}')
def test_any_import_is_all_or_nothing(store: ProgressStore, raw: bytes) -> None:
    _check_import(store, raw)


def _export(reviews: list[dict]) -> bytes:
    return json.dumps(
        {
            "format": FORMAT,
            "version": 1,
            "exported_at": T0.isoformat(),
            "profile": {"name": "x"},
            "reviews": reviews,
        }
    ).encode()


def _good(i: int) -> dict:
    return {
        "question_id": "q-a",
        "card_key": f"q-a#f{i}",
        "reviewed_at": (T0 + timedelta(minutes=i)).isoformat(),
        "rating": 3,
    }


def test_one_bad_record_refuses_the_whole_file(store: ProgressStore) -> None:
    reviews = [_good(i) for i in range(50)]
    reviews[37]["reviewed_at"] = "2026-11-01T08:00:00"  # naive: refused
    pid = store.ensure_profile("learner").id
    with pytest.raises(ImportRefused, match=r"reviews\.37"):
        import_progress(store, pid, _export(reviews))
    assert _rows(store, pid) == 0
    assert import_progress(store, pid, _export([_good(i) for i in range(50)])) == 50
    assert import_progress(store, pid, _export([_good(i) for i in range(50)])) == 0  # idempotent


OVERSIZED = [
    pytest.param({"duration_ms": INT32_MAX + 1}, id="duration-over-int32"),
    pytest.param({"duration_ms": 10**30}, id="duration-over-int64"),
    pytest.param({"missed_points": list(range(1000, 1200))}, id="missed-points-over-400-chars"),
    pytest.param({"missed_points": [2**70]}, id="missed-point-huge"),
]


@pytest.mark.parametrize("extra", OVERSIZED)
def test_oversized_numbers_and_lists_are_refused(store: ProgressStore, extra: dict) -> None:
    _check_import(store, _export([_good(0), {**_good(1), **extra}]))


PROFILE_NAMES = st.one_of(
    st.text(max_size=100),
    st.sampled_from(["\x00", "a\x00b", " ", "x" * 80, "x" * 81, "<script>alert(1)</script>", "💥"]),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(PROFILE_NAMES)
def test_any_profile_name_is_created_or_refused(store: ProgressStore, name: str) -> None:
    try:
        profile = store.ensure_profile(name)
    except ValueError as exc:
        assert str(exc).strip()
    else:
        assert profile.name == name.strip() and store.get_profile(name.strip()) == profile


def test_control_characters_in_a_profile_name_are_refused(store: ProgressStore) -> None:
    for name in ("a\x00b", "a\x1bb", "tab\there"):
        with pytest.raises(ValueError, match="control"):
            store.ensure_profile(name)
    assert {p.name for p in store.profiles()} <= {"default"}


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({"reviewed_at": "9999-12-31T23:59:59Z"}, id="year-9999"),
        pytest.param({"reviewed_at": "1970-01-02T00:00:00Z"}, id="before-2000"),
        pytest.param(
            {"reviewed_at": (datetime.now(UTC) + timedelta(days=3)).isoformat()}, id="next-week"
        ),
        pytest.param({"duration_ms": 24 * 3600 * 1000 + 1}, id="duration-over-a-day"),
        pytest.param({"rating": 5}, id="rating-5"),
    ],
)
def test_values_outside_their_sane_range_refuse_the_whole_file(
    store: ProgressStore, extra: dict
) -> None:
    """Issue 12, failure 2: "Import finished: 1" for a 9999-12-31 review broke the learner."""
    pid = store.ensure_profile("learner").id
    with pytest.raises(ImportRefused, match=r"reviews\.1") as info:
        import_progress(store, pid, _export([_good(0), {**_good(1), **extra}]))
    assert len(str(info.value)) < 400
    assert _rows(store, pid) == 0


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"[" * 100_000, id="100k-open-brackets"),
        pytest.param(b'{"a":' * 100_000, id="100k-open-objects"),
        pytest.param(b"[" * 500 + b"]" * 500, id="500-deep-but-valid"),
    ],
)
def test_deeply_nested_json_is_refused_with_a_message(store: ProgressStore, raw: bytes) -> None:
    """Issue 12, failure 3: 100,000 '[' showed a RecursionError traceback with server paths."""
    pid = store.ensure_profile("learner").id
    with pytest.raises(ImportRefused, match="nests deeper") as info:
        import_progress(store, pid, raw)
    assert "Recursion" not in str(info.value) and "/" not in str(info.value)
    assert _rows(store, pid) == 0
