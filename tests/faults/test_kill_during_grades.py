"""A process killed with SIGKILL in the middle of a stream of grades loses nothing acknowledged.

Writers are real subprocesses that open the store the way the app does, record grades and print
an ``ack`` line only after `add_review` returned (the commit). The test SIGKILLs them mid-stream,
reopens the store and checks that every acknowledged grade is there exactly once, on SQLite and
on PostgreSQL. A killed bulk import is all-or-nothing.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from studykit.store import NewReview, open_store

ROOT = Path(__file__).resolve().parents[2]

WRITER = r"""
import sys
from datetime import UTC, datetime, timedelta
from studykit.store import NewReview, open_store

url, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = open_store(url)
assert store.status.writable, store.status
pid = store.ensure_profile(name).id
t0 = datetime(2026, 11, 1, tzinfo=UTC)
for i in range(count):
    review = NewReview(
        f"q-{i % 7}", f"q-{i % 7}#f{i}", t0 + timedelta(seconds=i), 1 + i % 4,
        mode=("review", "cram")[i % 2], duration_ms=i, missed_points=(0, 2) if i % 3 else None,
    )
    saved = store.add_review(pid, review)
    store.set_setting(pid, "last_ack", str(i))
    print(f"ack {name} {i} {saved.id}", flush=True)
"""

IMPORTER = r"""
import sys
from datetime import UTC, datetime, timedelta
from studykit.store import NewReview, open_store

url, batches, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
store = open_store(url)
pid = store.ensure_profile("importer").id
t0 = datetime(2026, 1, 1, tzinfo=UTC)
for b in range(batches):
    rows = [
        NewReview("q-imp", f"q-imp#f{b * size + i}", t0 + timedelta(minutes=b * size + i), 3)
        for i in range(size)
    ]
    added = store.import_reviews(pid, rows)
    print(f"ack batch {b} {added}", flush=True)
"""


def _spawn(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _read_acks(
    procs: list[subprocess.Popen], tags: list[str], wanted: int, limit_s: float = 60
) -> list[str]:
    """Ack lines until each tag (second word) was printed `wanted` times (or time ran out)."""
    lines: list[str] = []
    deadline = time.monotonic() + limit_s
    streams = {p.stdout: p for p in procs}

    def short() -> bool:
        return min(sum(line.split()[1] == tag for line in lines) for tag in tags) < wanted

    while short() and time.monotonic() < deadline and streams:
        ready, _, _ = select.select(list(streams), [], [], 1.0)
        for stream in ready:
            line = stream.readline()
            if line:
                lines.append(line.strip())
            else:  # the writer ended (finished or crashed)
                proc = streams.pop(stream)
                assert proc.wait(10) == 0, proc.stderr.read()
    return lines


def _kill_and_drain(procs: list[subprocess.Popen]) -> list[str]:
    """SIGKILL every writer, then read the ack lines that were printed before it died."""
    for proc in procs:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
    rest: list[str] = []
    for proc in procs:
        proc.wait(timeout=30)
        # read() through the same text stream: `readline` may already hold lines in its buffer,
        # which `communicate()` (it reads the pipe underneath) would never return
        out = proc.stdout.read()
        rest += [line.strip() for line in out.splitlines() if line.startswith("ack")]
    return rest


def test_sigkill_mid_stream_keeps_every_acknowledged_grade(backend_url: str) -> None:
    open_store(backend_url).dispose()  # the schema exists before the writers race
    names = ["ann", "bo", "cy"]
    procs = [_spawn(WRITER, backend_url, name, "5000") for name in names]
    try:
        acks = _read_acks(procs, names, wanted=20)
        assert len(acks) >= 60, "the writers did not get going"
    finally:
        acks += _kill_and_drain(procs)
    assert all(proc.returncode == -signal.SIGKILL for proc in procs), "a writer finished early"

    store = open_store(backend_url)
    try:
        assert store.status.kind == "ok", store.status  # no corruption, no recovery needed
        for name in names:
            mine = [line.split() for line in acks if line.split()[1] == name]
            profile = store.get_profile(name)
            assert profile is not None
            rows = store.reviews(profile.id)
            by_id = {r.id: r for r in rows}
            for _, _, i, row_id in mine:
                assert int(row_id) in by_id, f"acknowledged grade {name}#{i} was lost"
                assert by_id[int(row_id)].card_key.endswith(f"#f{i}")
            # at most the one grade whose commit finished but whose ack was never printed
            assert len(mine) <= len(rows) <= len(mine) + 1
            assert len({r.card_key for r in rows}) == len(rows), "a grade was written twice"
            others = {r.profile_id for r in rows}
            assert others == {profile.id}, "a grade landed in another profile"
            last = int(store.get_setting(profile.id, "last_ack", "-1") or -1)
            assert last >= len(mine) - 2
        store.add_review(  # the store still takes grades after the crash
            store.ensure_profile("after").id,
            _review_after(),
        )
    finally:
        store.dispose()


def _review_after() -> NewReview:
    return NewReview("q-z", "q-z", datetime.now(UTC), 4)


def test_sigkill_during_bulk_imports_is_all_or_nothing(backend_url: str) -> None:
    open_store(backend_url).dispose()
    size = 400
    proc = _spawn(IMPORTER, backend_url, "200", str(size))
    try:
        acks = _read_acks([proc], ["batch"], wanted=3)
        time.sleep(0.05)  # land the kill inside a later transaction, not between two
    finally:
        acks += _kill_and_drain([proc])
    assert len(acks) >= 3
    store = open_store(backend_url)
    try:
        profile = store.get_profile("importer")
        assert profile is not None
        count = store.log_version(profile.id)[0]
        assert count % size == 0, f"{count} rows: a killed import left a partial batch"
        assert count >= len(acks) * size, "an acknowledged import was lost"
    finally:
        store.dispose()
