"""Wrong-passphrase limits (issue 12): after five wrong ones the wait grows; counts are shared.

Per learner the count lives in the progress database, so two server processes (two engines on
one database here) see the same count and a flood of failures from both is never under-counted.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studykit.store import open_store
from studykit.unlock_attempts import (
    FREE_ATTEMPTS,
    MAX_DELAY_S,
    AttemptRecord,
    LearnerAttempts,
    after_failure,
    attempts_metadata,
    lock_delay_s,
    wait_left_s,
)

T0 = datetime(2026, 12, 5, 22, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'progress.sqlite3'}"
        return
    pg_url = request.getfixturevalue("postgres_url")
    yield pg_url
    store = open_store(pg_url)
    attempts_metadata.drop_all(store.engine)
    store.dispose()


def test_five_wrong_passphrases_then_a_wait_that_doubles_up_to_fifteen_minutes() -> None:
    assert [lock_delay_s(n) for n in range(FREE_ATTEMPTS)] == [0.0] * FREE_ATTEMPTS
    assert [lock_delay_s(n) for n in (5, 6, 7, 8)] == [30.0, 60.0, 120.0, 240.0]
    assert lock_delay_s(12) == MAX_DELAY_S == 900.0 and lock_delay_s(10**6) == MAX_DELAY_S


def test_a_record_refuses_until_its_wait_is_over() -> None:
    record = AttemptRecord()
    for _ in range(FREE_ATTEMPTS - 1):
        record = after_failure(record, T0)
        assert wait_left_s(record, T0) == 0.0
    record = after_failure(record, T0)
    assert wait_left_s(record, T0) == 30.0
    assert wait_left_s(record, T0 + timedelta(seconds=29)) == 1.0
    assert wait_left_s(record, T0 + timedelta(seconds=30)) == 0.0
    later = after_failure(record, T0 + timedelta(seconds=31))  # one more wrong one: 60 s
    assert wait_left_s(later, T0 + timedelta(seconds=31)) == 60.0


def test_two_server_processes_share_a_learners_count(url: str) -> None:
    first, second = open_store(url), open_store(url)  # one engine each, as two processes have
    try:
        a = LearnerAttempts(first.engine, writable=True)
        b = LearnerAttempts(second.engine, writable=True)
        assert a.shared and b.shared
        for i in range(FREE_ATTEMPTS):
            (a if i % 2 else b).failed(7, T0)
        assert b.record(7).failures == FREE_ATTEMPTS
        assert wait_left_s(a.record(7), T0) == 30.0
        assert a.record(8) == AttemptRecord()  # another learner is not touched
        a.succeeded(7)  # the right passphrase, given once the wait is over
        assert b.record(7) == AttemptRecord()
    finally:
        first.dispose()
        second.dispose()


def test_concurrent_failures_are_all_counted(url: str) -> None:
    stores = [open_store(url) for _ in range(2)]
    try:
        counters = [LearnerAttempts(s.engine, writable=True) for s in stores]

        def fail_ten(counter: LearnerAttempts) -> None:
            for _ in range(10):
                counter.failed(3, T0)

        threads = [threading.Thread(target=fail_ten, args=(c,)) for c in counters * 2]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert counters[0].record(3).failures == 40
    finally:
        for store in stores:
            store.dispose()


def test_a_read_only_store_counts_in_this_process(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'progress.sqlite3'}")
    try:
        attempts = LearnerAttempts(store.engine, writable=False)
        assert not attempts.shared
        for _ in range(FREE_ATTEMPTS):
            attempts.failed(1, T0)
        assert wait_left_s(attempts.record(1), T0) == 30.0
        attempts.succeeded(1)
        assert attempts.record(1) == AttemptRecord()
    finally:
        store.dispose()
