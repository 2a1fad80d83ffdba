"""Progress JSON export/import (validated, refused with a reason, idempotent) and the Anki CSV."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studykit.progress_io import (
    ImportRefused,
    export_filename,
    export_progress,
    import_progress,
    parse_progress,
)
from studykit.store import NewReview, ProgressStore, open_store

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    s = open_store(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    pid = s.ensure_profile("alice").id
    s.set_setting(pid, "desired_retention", "0.85")
    s.add_review(
        pid,
        NewReview("fx-q1", "fx-q1", T0, 2, proposed_rating=1, coverage=0.25, missed_points=(1, 2)),
    )
    s.add_review(
        pid, NewReview("fx-q1", "fx-q1#f1", T0 + timedelta(minutes=1), 3, duration_ms=5000)
    )
    s.add_review(pid, NewReview("gone-q", "gone-q", T0 + timedelta(minutes=2), 1, mode="cram"))
    return s


def test_export_then_import_into_another_profile_round_trips(store: ProgressStore) -> None:
    alice = store.get_profile("alice").id
    text = export_progress(store, alice, "alice", T0)
    data = json.loads(text)
    assert data["format"] == "lora-interview-lab-progress" and data["version"] == 1
    assert data["profile"] == {"name": "alice", "settings": {"desired_retention": "0.85"}}
    assert len(data["reviews"]) == 3
    bob = store.ensure_profile("bob").id
    assert import_progress(store, bob, text) == 3
    assert import_progress(store, bob, text.encode()) == 0  # duplicates: idempotent

    def strip(rows: list) -> list:
        return [
            (r.card_key, r.reviewed_at, r.rating, r.mode, r.missed_points, r.coverage) for r in rows
        ]

    assert strip(store.reviews(bob)) == strip(store.reviews(alice))


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"\xff\xfe", "UTF-8"),
        ("{not json", "not valid JSON"),
        ("[]", "not a progress export"),
        ('{"format": "something-else"}', "not a progress export"),
        ('{"format": "lora-interview-lab-progress", "version": 2}', "version"),
    ],
)
def test_malformed_files_are_refused(
    store: ProgressStore, payload: bytes | str, reason: str
) -> None:
    pid = store.get_profile("alice").id
    before = store.reviews(pid)
    with pytest.raises(ImportRefused, match=reason):
        import_progress(store, pid, payload)
    assert store.reviews(pid) == before


def _valid(store: ProgressStore) -> dict:
    return json.loads(export_progress(store, store.get_profile("alice").id, "alice", T0))


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d["reviews"][1].update(rating=7), "reviews.1.rating"),
        (
            lambda d: d["reviews"][0].update(reviewed_at="2026-11-01T09:00:00"),
            "reviews.0.reviewed_at",
        ),
        (lambda d: d["reviews"][0].update(card_key="other-q"), "card_key"),
        (lambda d: d["reviews"][0].update(extra=1), "reviews.0.extra"),
        (lambda d: d["reviews"][2].update(mode="party"), "reviews.2.mode"),
        (lambda d: d.pop("profile"), "profile"),
    ],
)
def test_one_bad_row_refuses_the_whole_file(store: ProgressStore, mutate, where: str) -> None:
    data = _valid(store)
    mutate(data)
    bob = store.ensure_profile("bob").id
    with pytest.raises(ImportRefused, match=where):
        import_progress(store, bob, json.dumps(data))
    assert store.reviews(bob) == []  # nothing changed


def test_too_large_is_refused(store: ProgressStore) -> None:
    with pytest.raises(ImportRefused, match="too large"):
        parse_progress(b" " * 3_000_000)


def test_export_filename_is_safe() -> None:
    assert export_filename("小明 / x", T0, "json") == "lora-lab-小明___x-20261101.json"
