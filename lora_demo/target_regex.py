"""User target regexes, matched with RE2 into an explicit list of module names.

PEFT matches a string ``target_modules`` with Python's backtracking ``re.fullmatch`` on every
module name; a pattern such as ``(.+)+X`` then runs for minutes while holding the GIL, which
freezes the whole Streamlit server. RE2 matches in time linear in the name's length, refuses
constructs it cannot bound (backreferences, lookaround) and caps its own memory, so a user's
pattern is compiled and matched here and PEFT only ever receives the resulting names.
"""

from __future__ import annotations

from collections.abc import Iterable

import re2

MAX_PATTERN_CHARS = 500  # the longest preset-built regex is ~200 characters
_MAX_MEM_BYTES = 8 << 20  # RE2's own default; a pattern that needs more is refused


class TargetRegexError(ValueError):
    """The pattern cannot be used; ``str(err)`` is a readable English sentence."""


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # the refusal goes to the user, not to stderr
    options.max_mem = _MAX_MEM_BYTES
    return options


def compile_target_regex(pattern: str) -> re2._Regexp:
    """Compile ``pattern`` with RE2 or raise :class:`TargetRegexError` saying why."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise TargetRegexError(
            f"the target regex is {len(pattern)} characters long; at most {MAX_PATTERN_CHARS} "
            "are allowed (list module names such as query,value instead)"
        )
    try:
        return re2.compile(pattern, _options())
    except re2.error as exc:
        reason = exc.args[0] if exc.args else ""
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise TargetRegexError(
            f"{pattern[:80]!r} is not a usable regular expression ({str(reason)[:120]}); "
            "back-references and look-arounds are not supported"
        ) from None


def matching_names(pattern: str, names: Iterable[str]) -> tuple[str, ...]:
    """The ``names`` that ``pattern`` matches in full (PEFT's rule for a string target)."""
    regex = compile_target_regex(pattern)
    return tuple(n for n in names if n and regex.fullmatch(n) is not None)


def no_match_message(pattern: str, model: str) -> str:
    """What to say when ``pattern`` matches no module of ``model``."""
    return (
        f"{pattern[:80]!r} matches no module of {model}. Try names such as query, "
        "value, attention.output.dense, or a regex such as .*\\.layer\\.5\\..*query"
    )
