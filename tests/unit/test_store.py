"""Progress store, on both backends: SQLite and a real PostgreSQL server (fixture `postgres_url`).

Covers the round trip, undo, settings, profiles, concurrent writers (threads and processes), a
writer killed with SIGKILL mid-stream (every acknowledged grade survives), corrupt and read-only files.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studykit.store import (
    NewReview,
    ProgressStore,
    ReadOnlyStoreError,
    metadata,
    open_store,
)
from studykit.store.opening import _read_only

ROOT = Path(__file__).resolve().parents[2]
BACKENDS = ["sqlite", "postgresql"]
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)

WRITER = """
import sys
from datetime import UTC, datetime
from studykit.store import NewReview, open_store
url, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = open_store(url)
pid = store.ensure_profile(name).id
for i in range(count):
    store.add_review(pid, NewReview("q-a", f"q-a#f{i}", datetime.now(UTC), 3))
    print(f"ack {i}", flush=True)  # acknowledged only after the commit returned
"""


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'progress.sqlite3'}"
        return
    pg_url = request.getfixturevalue("postgres_url")
    store = open_store(pg_url)
    metadata.drop_all(store.engine)
    store.dispose()
    yield pg_url
    store = open_store(pg_url)
    metadata.drop_all(store.engine)
    store.dispose()


@pytest.fixture
def store(url: str) -> Iterator[ProgressStore]:
    s = open_store(url)
    yield s
    s.dispose()


def review(i: int = 0, rating: int = 3, key: str = "q-a", mode: str = "review") -> NewReview:
    return NewReview("q-a", key, T0 + timedelta(minutes=i), rating, mode=mode, duration_ms=1200 + i)


def test_round_trip_and_order(store: ProgressStore) -> None:
    pid = store.ensure_profile("default").id
    saved = store.add_review(
        pid,
        NewReview(
            "q-a",
            "q-a",
            T0,
            2,
            proposed_rating=1,
            coverage=0.4,
            missed_points=(0, 2),
            duration_ms=900,
        ),
    )
    store.add_review(pid, review(-5, key="q-a#f1"))
    rows = store.reviews(pid)
    assert [r.card_key for r in rows] == ["q-a#f1", "q-a"]  # time order
    got = rows[1]
    assert got == saved
    assert got.reviewed_at == T0 and got.reviewed_at.tzinfo is not None
    assert (got.rating, got.proposed_rating, got.coverage, got.missed_points) == (2, 1, 0.4, (0, 2))
    assert store.log_version(pid)[:2] == (2, max(r.id for r in rows))
    assert store.reviews(pid, modes=["cram"]) == []


def test_log_version_differs_after_undo_and_a_new_grade(store: ProgressStore) -> None:
    """Undo + one grade must not give the key of the state before the undo (issue 14)."""
    pid = store.ensure_profile("default").id
    store.add_review(pid, review(0, key="q-a"))
    store.add_review(pid, review(1, key="q-a#f1"))
    before_undo = store.log_version(pid)
    store.undo_last(pid)
    after_undo = store.log_version(pid)
    store.add_review(pid, review(2, key="q-b"))
    after_grade = store.log_version(pid)
    assert len({before_undo, after_undo, after_grade}) == 3
    assert after_grade.row_count == before_undo.row_count
    ids = [r.id for r in store.reviews(pid)]
    assert len(ids) == len(set(ids)) == 2


def test_undo_review_deletes_exactly_that_row(store: ProgressStore) -> None:
    a, b = store.ensure_profile("a").id, store.ensure_profile("b").id
    first = store.add_review(a, review(0))
    second = store.add_review(a, review(1))
    other = store.add_review(b, review(2))
    version = store.log_version(a)
    assert store.undo_review(b, first.id) is None  # another profile's id: untouched
    assert store.undo_review(a, first.id) == first
    assert store.undo_review(a, first.id) is None
    assert [r.id for r in store.reviews(a)] == [second.id]
    assert [r.id for r in store.reviews(b)] == [other.id]
    assert store.log_version(a) != version


def test_undo_deletes_only_the_last_row_of_that_profile(store: ProgressStore) -> None:
    a, b = store.ensure_profile("a").id, store.ensure_profile("b").id
    store.add_review(a, review(0))
    last_a = store.add_review(a, review(1))
    store.add_review(b, review(2))
    assert store.undo_last(a) == last_a
    assert [r.reviewed_at for r in store.reviews(a)] == [T0]
    assert len(store.reviews(b)) == 1
    store.undo_last(a)
    assert store.undo_last(a) is None


def test_profiles_and_settings(store: ProgressStore) -> None:
    assert store.ensure_profile("小明") == store.ensure_profile(" 小明 ")
    pid = store.ensure_profile("小明").id
    assert store.get_setting(pid, "desired_retention", "0.9") == "0.9"
    store.set_setting(pid, "desired_retention", "0.85")
    store.set_setting(pid, "desired_retention", "0.8")
    assert store.get_setting(pid, "desired_retention") == "0.8"
    with pytest.raises(ValueError):
        store.ensure_profile("")


def test_bad_reviews_are_refused() -> None:
    with pytest.raises(ValueError):
        NewReview("q", "q", datetime(2026, 1, 1), 3)  # naive time
    with pytest.raises(ValueError):
        NewReview("q", "q", T0, 5)
    with pytest.raises(ValueError):
        NewReview("q", "q", T0, 3, mode="other")


def test_import_is_one_transaction_and_idempotent(store: ProgressStore) -> None:
    pid = store.ensure_profile("default").id
    rows = [review(i) for i in range(5)]
    assert store.import_reviews(pid, rows) == 5
    assert store.import_reviews(pid, rows) == 0
    assert store.import_reviews(pid, [*rows, review(9)]) == 1
    assert len(store.reviews(pid)) == 6


def test_concurrent_writer_threads(url: str) -> None:
    stores = [open_store(url) for _ in range(2)]  # two engines, like two server processes
    pid = stores[0].ensure_profile("default").id
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for _i in range(40):
                stores[worker % 2].add_review(
                    pid, NewReview("q-a", f"q-a#f{worker}", datetime.now(UTC), 3)
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = stores[0].reviews(pid)
    assert len(rows) == 320 and len({r.id for r in rows}) == 320
    for s in stores:
        s.dispose()


def _writer(url: str, name: str, count: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, url, name, str(count)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_concurrent_writer_processes(url: str) -> None:
    procs = [_writer(url, "default", 60) for _ in range(4)]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.count("ack") == 60
    store = open_store(url)
    assert len(store.reviews(store.get_profile("default").id)) == 240
    store.dispose()


def test_writer_killed_mid_stream_loses_no_acknowledged_grade(url: str) -> None:
    proc = _writer(url, "victim", 100_000)
    acked = 0
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("ack"):
            acked += 1
        if acked >= 150:
            break
    os.kill(proc.pid, signal.SIGKILL)  # no cleanup, no close, maybe mid-transaction
    proc.wait(timeout=30)
    acked += sum(1 for line in proc.stdout if line.startswith("ack"))  # acks still in the pipe
    store = open_store(url)
    assert store.status.kind == "ok"
    rows = store.reviews(store.get_profile("victim").id)
    assert len(rows) >= acked >= 150
    assert len(rows) <= acked + 1  # at most the one in flight, never a torn row
    store.add_review(store.get_profile("victim").id, review(0))  # and it is writable again
    store.dispose()


def test_garbage_file_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    path.write_bytes(b"\x00garbage" * 1000)
    store = open_store(f"sqlite:///{path}")
    assert store.status.kind == "recovered" and "not a database" in store.status.detail
    moved = Path(store.status.moved_to)
    assert moved.name.startswith("progress.sqlite3.corrupt-") and moved.read_bytes().startswith(
        b"\x00garbage"
    )
    pid = store.ensure_profile("default").id
    store.add_review(pid, review(0))
    assert len(store.reviews(pid)) == 1
    store.dispose()


def test_damaged_database_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    store = open_store(f"sqlite:///{path}")
    pid = store.ensure_profile("default").id
    store.import_reviews(pid, [review(i, key=f"q-a#f{i}") for i in range(300)])
    store.dispose()
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xff" * (len(data) - 4096)  # every page after the first is garbage
    path.write_bytes(bytes(data))
    for side in ("-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    store = open_store(f"sqlite:///{path}")
    assert store.status.kind == "recovered"
    assert store.reviews(store.ensure_profile("default").id) == []
    store.dispose()


def test_foreign_sqlite_schema_is_moved_aside(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "progress.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE review_log (something TEXT)")
    store = open_store(f"sqlite:///{path}")
    assert store.status.kind == "recovered"
    store.ensure_profile("default")
    store.dispose()


def test_unwritable_location_is_read_only(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    store = open_store(f"sqlite:///{blocker / 'sub' / 'progress.sqlite3'}")
    assert store.status.kind == "read_only" and not store.status.writable
    assert store.profiles() == []
    with pytest.raises(ReadOnlyStoreError):
        store.ensure_profile("default")
    with pytest.raises(ReadOnlyStoreError):
        store.add_review(1, review(0))


def test_read_only_file_still_shows_progress(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    store = open_store(f"sqlite:///{path}")
    pid = store.ensure_profile("default").id
    store.add_review(pid, review(0))
    store.dispose()
    ro = _read_only(path, "mounted read-only")
    assert ro.status.kind == "read_only" and len(ro.reviews(pid)) == 1
    with pytest.raises(ReadOnlyStoreError):
        ro.undo_last(pid)


def test_unreachable_database_server_is_read_only() -> None:
    store = open_store("postgresql+psycopg://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
    assert store.status.kind == "read_only"
    assert "cannot use the database" in store.status.detail and "secret" not in store.status.detail
    assert store.profiles() == []
