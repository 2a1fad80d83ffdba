"""Exact undo of a study mode's last grade.

It takes back the review row, the card with its typed answer, and the mode's queue (the follow-up
drill, cram's position) as they were just before the grade.

Steps live in session state under "<mode prefix>_undo_steps" (newest last), one per grade of this session.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from studykit.store import ProgressStore
from ui.core import t
from ui.quiz.card_context import CardContext

MAX_STEPS = 50  # a session's undo history; older grades stay in the log
QUEUE_STATE = ("followups", "index", "front")  # the mode's queue, restored as it was


@dataclass(frozen=True)
class UndoStep:
    """One grade as it can be taken back."""

    ctx: CardContext
    review_id: int | None  # None: the mode recorded nothing (read-only store)
    typed: str
    queue_state: dict[str, Any] = field(default_factory=dict)


def _stack(prefix: str) -> list[UndoStep]:
    return st.session_state.setdefault(f"{prefix}_undo_steps", [])


def remember_grade(ctx: CardContext, review_id: int | None, typed: str) -> None:
    """Record the grade being made (call it before the mode's queue moves on)."""
    saved = {}
    for name in QUEUE_STATE:
        key = f"{ctx.state_prefix}_{name}"
        if key in st.session_state:
            saved[name] = copy.deepcopy(st.session_state[key])
    stack = _stack(ctx.state_prefix)
    stack.append(UndoStep(ctx, review_id, typed, saved))
    del stack[:-MAX_STEPS]


def can_undo(prefix: str, profile_id: int) -> bool:
    """Whether this session graded something in this mode, for this learner, it can take back."""
    stack = st.session_state.get(f"{prefix}_undo_steps") or []
    return bool(stack) and stack[-1].ctx.profile_id == profile_id


def undo_last_grade(prefix: str, store: ProgressStore | None) -> bool:
    """Take back the newest grade (a button callback). False when there was none to take back.

    The review row is deleted by its id (never "the newest row", which may be another tab's);
    then the card comes back unrevealed with the answer the learner had typed.
    """
    stack = st.session_state.get(f"{prefix}_undo_steps") or []
    if not stack:
        return False
    step = stack[-1]
    if step.review_id is not None and store is not None:
        store.undo_review(step.ctx.profile_id, step.review_id)  # raises: the step stays
    stack.pop()
    for name in QUEUE_STATE:
        key = f"{prefix}_{name}"
        if name in step.queue_state:
            st.session_state[key] = copy.deepcopy(step.queue_state[name])
        else:
            st.session_state.pop(key, None)
    st.session_state[f"{prefix}_front"] = step.ctx.key  # a queued follow-up comes back first too
    st.session_state.pop(f"{prefix}_graded", None)
    for name in ("typed", "grade", "revealed", "shown"):
        st.session_state.pop(step.ctx.state_key(name), None)
    st.session_state[step.ctx.state_key("answer")] = step.typed
    st.session_state[f"{prefix}_saved"] = t("quiz.undone")
    return True


def undo_button(prefix: str, on_click: Callable[..., None], *args: Any) -> None:
    """The Undo button (shortcut U) of a study mode; `on_click(*args)` takes the grade back."""
    st.button(
        t("quiz.undo"),
        key=f"{prefix}_undo",
        on_click=on_click,
        args=args,
        icon=":material/undo:",
        shortcut="u",
    )
