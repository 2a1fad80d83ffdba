"""An uncaught error on a page: a short message with an error id; the details go to the log.

With ``client.showErrorDetails = "none"`` (.streamlit/config.toml) Streamlit replaces the
traceback with its own redacted notice; the id shown here lets an admin find the full
traceback (and its server paths) in the server log without the learner ever seeing it.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator

import streamlit as st

from ui.core import t

LOG = logging.getLogger("lora_lab")


@contextlib.contextmanager
def reported_errors() -> Iterator[None]:
    """Run a page; an exception is logged with a fresh id, named on the page, then re-raised."""
    try:
        yield
    except Exception:  # Streamlit's rerun/stop signals are BaseException and pass through
        error_id = uuid.uuid4().hex[:10]
        LOG.exception("page failed [error id %s]", error_id)
        st.error(t("common.error_generic", id=error_id), icon=":material/error:")
        raise  # Streamlit logs it too and shows its redacted notice (showErrorDetails = none)
