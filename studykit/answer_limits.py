"""How long a typed answer may be, enforced on the server before anything grades it.

The longest reference answer in the bank is ~3,000 characters (s003-q10, English); an answer
typed in an interview-style drill is shorter still. 4,000 characters leave room for a thorough
answer while bounding the grader's work: a 1,000,000-character answer took 15.8 s to grade and
slowed other learners' pages (issue 12). The text boxes carry ``max_chars`` too, but a browser
can be bypassed, so the value is also cut here.
"""

from __future__ import annotations

MAX_ANSWER_CHARS = 4000


def bounded_answer(typed: object) -> str:
    """The typed answer as a string of at most `MAX_ANSWER_CHARS` characters."""
    text = typed if isinstance(typed, str) else ""
    return text[:MAX_ANSWER_CHARS]
