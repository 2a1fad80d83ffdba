"""What both roles share: the room service, messages for refused actions, links, QR codes, refresh."""

from __future__ import annotations

import io
import os
from urllib.parse import urlencode, urlsplit

import segno
import streamlit as st

from studykit.progress_location import database_url
from studykit.rooms import RoomError, RoomService
from studykit.schema import Question
from ui.core import t
from ui.quiz.session import get_store

REFRESH_ENV = "LORA_LAB_GROUP_REFRESH_S"
PUBLIC_URL_ENV = "LORA_LAB_PUBLIC_URL"  # the address learners use, when behind a proxy
PROJECTOR_PARAM = "view"
PRESENTER_ERROR = "group_presenter_error"  # a refused presenter action, shown on the next run


@st.cache_resource(show_spinner=False)
def _rooms_for(url: str) -> RoomService:
    return RoomService(get_store().engine)


def get_rooms() -> RoomService:
    """The room service of this server process, on the progress store's database."""
    return _rooms_for(database_url())


def refresh_s() -> float:
    """How often live views poll the database (seconds; 2 unless the environment says otherwise)."""
    try:
        value = float(os.environ.get(REFRESH_ENV, "2"))
    except ValueError:
        value = 2.0
    return min(max(value, 0.5), 30.0)


def show_room_error(exc: RoomError) -> None:
    st.error(t(f"group.error.{exc.reason}"), icon=":material/error:")


def is_projector() -> bool:
    """Projector layout: large type, no sidebar (app.py reads this before drawing the sidebar)."""
    return st.query_params.get(PROJECTOR_PARAM) == "projector"


def join_link(code: str) -> str:
    """The address a learner opens to join: the public URL if configured, else this server's."""
    base = os.environ.get(PUBLIC_URL_ENV, "").strip().rstrip("/")
    if not base:
        parts = urlsplit(st.context.url or "http://localhost:8501/")
        base = f"{parts.scheme}://{parts.netloc}"
    return f"{base}/group?{urlencode({'room': code})}"


@st.cache_data(max_entries=64, show_spinner=False)
def qr_png(link: str) -> bytes:
    """A QR code of `link` as PNG bytes, drawn locally (no network)."""
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="png", scale=8, border=2)
    return out.getvalue()


def question_text(question: Question | None, lang: str) -> str:
    return question.question.get(lang) if question else t("group.unknown_question")


def short_line(text: str, limit: int = 90) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
