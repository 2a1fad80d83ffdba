"""Text is text: query parameters, learner names and refusal messages never render as Markdown.

Issue 12, failures 4 and 5: ``?exp=[…](http://evil.example/login)`` became a phishing link,
``?q=![i](…)`` and a learner named ``![t](…)`` made the browser fetch from that host. Each
hostile value must reach the page with its Markdown punctuation escaped (a literal).
"""

from __future__ import annotations

import re

import pytest

from studykit.progress_location import database_url
from studykit.store import open_store
from tests.support.paths import FIXTURE_BANK
from tests.support.read_text import as_read
from ui.plain_text import md_text, without_paths

HOSTILE = [
    "[Session expired - click to log in again](http://evil.example/login)",
    "![i](http://evil.example/track.png)",
    ":red[alarm] :material/warning: $\\frac{1}{0}$",
    "<img src=http://evil.example/x.png>",
    "http://evil.example/bare",
    "www.evil.example and learner@evil.example",
]
# what Markdown would turn into a link, an image, a directive, a formula or an autolink
LIVE_MARKUP = re.compile(r"(?<!\\)\]\(|(?<!\\):red\[|(?<!\\)\$\\|(?<!\\)<img|(?<!\\)http://")


def _bodies(at) -> list[str]:
    out = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success"):
        out += [element.value for element in getattr(at, kind)]
    return out


def _assert_no_live_markup(at, needle: str = "evil") -> None:
    assert not at.exception, [e.value for e in at.exception]
    shown = [body for body in _bodies(at) if needle in body]
    assert shown, "the hostile value should be shown (as text)"
    for body in shown:
        assert not LIVE_MARKUP.search(body), body


@pytest.mark.parametrize("value", HOSTILE)
def test_md_text_leaves_no_markup_alive(value: str) -> None:
    escaped = md_text(value)
    assert not LIVE_MARKUP.search(escaped) and "\n" not in escaped
    # GFM links bare URLs after parsing (escapes do not stop it): what remains must not be one
    seen = as_read(escaped)
    assert not re.search(r"(?i)https?://|www\.|\w@\w", seen), seen
    assert len(md_text("x" * 10_000)) <= 200


def test_paths_are_hidden() -> None:
    assert without_paths("cannot open /srv/lab/data/progress.sqlite3 (x)") == (
        "cannot open …/progress.sqlite3 (x)"
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hostile_experiment_id_in_the_url_is_text(open_page, lang: str) -> None:
    at = open_page("pages/lab.py", lang=lang, query={"exp": HOSTILE[0]})
    _assert_no_live_markup(at)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_question_id_in_the_url_is_text(open_page, monkeypatch, value: str) -> None:
    monkeypatch.setenv("LORA_LAB_QUESTIONS_DIR", str(FIXTURE_BANK))
    at = open_page("pages/browse.py", lang="en", query={"q": value})
    _assert_no_live_markup(at, needle="evil" if "evil" in value else "alarm")


@pytest.mark.parametrize("name", ["![t](http://evil.example/p.png)", ":red[evil] $x^2$"])
def test_hostile_learner_name_is_text(open_page, monkeypatch, name: str) -> None:
    monkeypatch.setenv("LORA_LAB_QUESTIONS_DIR", str(FIXTURE_BANK))
    store = open_store(database_url())
    store.ensure_profile(name)
    store.dispose()
    at = open_page(lang="en")
    at.session_state["active_profile"] = name
    at.run()
    at.switch_page("pages/stats.py")
    at.run()
    _assert_no_live_markup(at, needle="evil")


def test_an_unforeseen_error_shows_an_error_id_and_logs_the_details(
    open_page, monkeypatch, caplog
) -> None:
    """No server internals: the page names an error id; the traceback goes to the log."""
    import ui.core

    def broken_bank():
        raise RuntimeError("cannot read /srv/secret/questions")

    monkeypatch.setattr(ui.core, "get_bank", broken_bank)
    at = open_page("pages/browse.py", lang="en", check=False)  # Streamlit shows its redacted box
    (message,) = [e.value for e in at.error if "error id" in e.value]
    error_id = re.search(r"error id (\w+)", message).group(1)
    assert "/srv/secret" not in message and "Traceback" not in message
    assert any(error_id in r.getMessage() and r.exc_info for r in caplog.records)
