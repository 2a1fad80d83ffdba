"""The engine's user-facing errors: each message says what was wrong and what to do.

Kept free of heavy imports so the CLI (and a UI) can catch them before torch is loaded.
"""

from __future__ import annotations

MAX_MESSAGE_CHARS = 300  # a refusal quotes the file: 100,000 CSV columns must not all come back


class LoraSettingsError(ValueError):
    """An invalid setting; ``setting`` names it, ``str(err)`` is a readable English sentence."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(f"Invalid setting '{setting}': {message}")
        self.setting = setting
        self.message = message

    def __reduce__(self) -> tuple:
        # rebuilt from its two fields when it crosses a process boundary (a training child)
        return (type(self), (self.setting, self.message))


class ModelLoadError(RuntimeError):
    """A checkpoint could not be loaded; the message says what to do."""


class TaskFileError(ValueError):
    """A user file that cannot be used; ``str(err)`` says why in plain English (bounded)."""

    def __init__(self, message: str) -> None:
        if len(message) > MAX_MESSAGE_CHARS:
            message = message[: MAX_MESSAGE_CHARS - 1] + "…"
        super().__init__(message)


class SequenceFileError(ValueError):
    """A sequence file that cannot be read; the message says why."""


class PretrainError(RuntimeError):
    """Pretraining cannot start or resume; the message says what to do."""
