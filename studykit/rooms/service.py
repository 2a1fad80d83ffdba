"""A room's life on the database: create, join, open, answer, reveal, live tallies, summary.

Every call is one short transaction, so presenters and learners served by different app processes
share a room through the database alone. Failures a person can cause raise `RoomError` with a
`reason` the UI turns into a clear message; nothing here imports streamlit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from studykit.rooms.codes import new_code, new_token, normalize_code, token_hash, token_matches
from studykit.rooms.records import (
    EXAMPLES,
    MAX_ANSWER,
    MAX_MEMBERS,
    MAX_QUESTIONS,
    ROOM_TTL,
    TIMER_GRACE,
    Member,
    RoomError,
    RoomState,
    answer_record,
    clean_name,
    json_or_none,
    room_state,
)
from studykit.rooms.tables import answers_table, ensure_room_schema, members_table, rooms_table
from studykit.rooms.tally import (
    AnswerRecord,
    Graded,
    LiveView,
    point_tallies,
    top_misconception,
)
from studykit.store.dialect import dialect_insert


class RoomService:
    """Rooms on one database (the progress store's engine); tables created on first use."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] | None = None) -> None:
        self.engine = engine
        self.clock = clock or (lambda: datetime.now(UTC))
        ensure_room_schema(engine)

    # ---- presenter ----------------------------------------------------------------------
    def create_room(
        self, question_ids: Sequence[str], ttl: timedelta = ROOM_TTL
    ) -> tuple[RoomState, str]:
        """A new room over `question_ids`; returns it and the presenter token (shown once)."""
        ids = list(dict.fromkeys(question_ids))
        if not ids or len(ids) > MAX_QUESTIONS:
            raise RoomError("bad_questions")
        token, now = new_token(), self.clock()
        for _ in range(8):  # a clash of random codes is rare; try again with a fresh one
            code = new_code()
            values = {
                "code": code,
                "token_hash": token_hash(token),
                "question_ids": json.dumps(ids),
                "current": -1,
                "revealed": False,
                "version": 0,
                "created_at": now,
                "expires_at": now + ttl,
            }
            try:
                with self.engine.begin() as conn:
                    conn.execute(rooms_table.insert().values(**values))
            except IntegrityError:
                continue
            return self.room(code), token
        raise RoomError("no_code")

    def presenter_room(self, code: str, token: str | None) -> RoomState:
        """The room, if `token` is its presenter token (expired rooms too: the summary stays)."""
        row = self._row(code)
        if not token_matches(token, row.token_hash):
            raise RoomError("not_presenter")
        return room_state(row)

    def open_question(
        self, code: str, token: str | None, index: int, timer_s: int | None = None
    ) -> RoomState:
        room = self._live(self.presenter_room(code, token))
        if not 0 <= index < len(room.question_ids):
            raise RoomError("bad_index")
        now = self.clock()
        deadline = now + timedelta(seconds=timer_s) if timer_s and timer_s > 0 else None
        self._update(room, current=index, revealed=False, opened_at=now, deadline=deadline)
        return self.room(room.code)

    def reveal(self, code: str, token: str | None) -> RoomState:
        room = self._live(self.presenter_room(code, token))
        if room.current < 0:
            raise RoomError("no_question")
        if not room.revealed:
            self._update(room, revealed=True)
        return self.room(room.code)

    # ---- learners -----------------------------------------------------------------------
    def room(self, code: str) -> RoomState:
        """The room as anyone may read it (raises not_found; expiry is the caller's check)."""
        return room_state(self._row(code))

    def join(self, code: str, name: str, profile_id: int | None = None) -> Member:
        room = self._live(self.room(code))
        clean = clean_name(name)
        with self.engine.begin() as conn:
            count = conn.execute(
                select(func.count()).where(members_table.c.room_id == room.id)
            ).scalar_one()
            if count >= MAX_MEMBERS:
                raise RoomError("room_full")
            token = new_token()
            try:
                new_id = conn.execute(
                    members_table.insert()
                    .values(
                        room_id=room.id,
                        token=token,
                        name=clean,
                        profile_id=profile_id,
                        joined_at=self.clock(),
                    )
                    .returning(members_table.c.id)
                ).scalar_one()
            except IntegrityError:
                raise RoomError("name_taken") from None
        return Member(new_id, room.id, token, clean, profile_id)

    def member(self, code: str, token: str | None) -> Member:
        """The learner whose key is `token` in this room (after a refresh, from the URL)."""
        room = self.room(code)
        with self.engine.connect() as conn:
            row = conn.execute(
                select(members_table).where(
                    members_table.c.room_id == room.id, members_table.c.token == (token or "")
                )
            ).first()
        if row is None:
            raise RoomError("not_member")
        return Member(row.id, row.room_id, row.token, row.name, row.profile_id)

    def submit(
        self, code: str, member: Member, question_index: int, answer: str, graded: Graded | None
    ) -> tuple[AnswerRecord, bool]:
        """Store the learner's answer (`graded` None: a skip). Returns (the stored one, new?).

        A second submit for the same question keeps the first answer (`new` is then False).
        """
        room = self._live(self.room(code))
        if question_index != room.current or room.current < 0:
            raise RoomError("question_closed")
        if room.revealed:
            raise RoomError("already_revealed")
        if room.deadline is not None and self.clock() > room.deadline + TIMER_GRACE:
            raise RoomError("time_up")
        if len(answer) > MAX_ANSWER:
            raise RoomError("too_long")
        values = {
            "room_id": room.id,
            "member_id": member.id,
            "question_index": question_index,
            "question_id": room.question_ids[question_index],
            "answer": "" if graded is None else answer,
            "skipped": graded is None,
            "coverage": None if graded is None else graded.coverage,
            "statuses": json.dumps([] if graded is None else list(graded.statuses)),
            "misconception": None
            if graded is None or graded.misconception is None
            else json.dumps(graded.misconception, ensure_ascii=False),
            "proposed": None if graded is None else graded.proposed,
            "submitted_at": self.clock(),
        }
        insert = dialect_insert(self.engine)(answers_table).values(**values)
        with self.engine.begin() as conn:
            created = conn.execute(
                insert.on_conflict_do_nothing(
                    index_elements=["room_id", "member_id", "question_index"]
                ).returning(answers_table.c.id)
            ).scalar()  # None: the learner had already answered
        stored = self.my_answer(room, member, question_index)
        assert stored is not None
        return stored, created is not None

    def my_answer(self, room: RoomState, member: Member, index: int) -> AnswerRecord | None:
        stmt = self._answers_query(room.id).where(
            answers_table.c.member_id == member.id, answers_table.c.question_index == index
        )
        with self.engine.connect() as conn:
            row = conn.execute(stmt).first()
        return answer_record(row) if row else None

    # ---- what the presenter sees --------------------------------------------------------
    def live(self, room: RoomState, n_points: int) -> LiveView:
        """Counts and tallies of the open question: two small queries, no grading."""
        with self.engine.connect() as conn:
            joined = conn.execute(
                select(func.count()).where(members_table.c.room_id == room.id)
            ).scalar_one()
            rows = conn.execute(
                select(
                    answers_table.c.answer,
                    answers_table.c.skipped,
                    answers_table.c.statuses,
                    answers_table.c.misconception,
                )
                .where(
                    answers_table.c.room_id == room.id,
                    answers_table.c.question_index == room.current,
                )
                .order_by(answers_table.c.id.desc())
            ).all()
        typed = [r for r in rows if not r.skipped]
        return LiveView(
            joined=int(joined),
            answered=len(rows),
            skipped=len(rows) - len(typed),
            points=point_tallies((json.loads(r.statuses) for r in typed), n_points),
            top_misconception=top_misconception(json_or_none(r.misconception) for r in typed),
            examples=[r.answer for r in typed if r.answer.strip()][:EXAMPLES],
        )

    def answers(self, room: RoomState) -> list[AnswerRecord]:
        """Every answer of the room, question by question, in the order they came."""
        stmt = self._answers_query(room.id).order_by(
            answers_table.c.question_index, answers_table.c.id
        )
        with self.engine.connect() as conn:
            return [answer_record(row) for row in conn.execute(stmt)]

    def member_names(self, room: RoomState) -> list[str]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(members_table.c.name)
                .where(members_table.c.room_id == room.id)
                .order_by(members_table.c.id)
            )
            return [r.name for r in rows]

    # ---- helpers ------------------------------------------------------------------------
    def _row(self, code: str) -> Any:
        clean = normalize_code(code)
        if not clean:
            raise RoomError("not_found")
        with self.engine.connect() as conn:
            row = conn.execute(select(rooms_table).where(rooms_table.c.code == clean)).first()
        if row is None:
            raise RoomError("not_found")
        return row

    def _live(self, room: RoomState) -> RoomState:
        if self.clock() >= room.expires_at:
            raise RoomError("expired")
        return room

    def _update(self, room: RoomState, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                rooms_table.update()
                .where(rooms_table.c.id == room.id)
                .values(version=rooms_table.c.version + 1, **values)
            )

    def _answers_query(self, room_id: int) -> Any:
        return (
            select(answers_table, members_table.c.name.label("member_name"))
            .join(members_table, members_table.c.id == answers_table.c.member_id)
            .where(answers_table.c.room_id == room_id)
        )
