"""Deployment switches read from the environment (the class server vs one learner's machine).

- ``LORA_LAB_SHARED=1``: a shared deployment (a class server). Learner passphrases are
  required, and the Lab's "Local folder" weights option is off.
- ``LORA_LAB_MODELS_DIR``: a folder whose sub-folders are ESM-2 checkpoints the Lab may load by
  name (unset: no local folders). Learners pick a name; they never type a server path.
- ``LORA_LAB_ADMIN_PASSPHRASE_HASH``: an argon2 hash (``python -m studykit.passphrase hash``);
  whoever gives that passphrase may open any learner (a teacher on the class server).
"""

from __future__ import annotations

import os
from pathlib import Path

SHARED_ENV = "LORA_LAB_SHARED"
MODELS_DIR_ENV = "LORA_LAB_MODELS_DIR"
ADMIN_HASH_ENV = "LORA_LAB_ADMIN_PASSPHRASE_HASH"


def shared_deployment() -> bool:
    """True on a class server: passphrases required, no server folders offered."""
    return os.environ.get(SHARED_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def models_dir() -> Path | None:
    """The configured checkpoints folder, or None (unset, or a shared deployment)."""
    value = os.environ.get(MODELS_DIR_ENV, "").strip()
    if not value or shared_deployment():
        return None
    path = Path(value)  # no ~ expansion: the admin writes an absolute path
    return path.resolve() if path.is_absolute() and path.is_dir() else None


def model_folders() -> list[str]:
    """Names of the checkpoint folders (with a config.json) directly under `models_dir()`."""
    root = models_dir()
    if root is None:
        return []
    try:
        return sorted(
            entry.name
            for entry in root.iterdir()
            if entry.is_dir()
            and not entry.name.startswith(".")
            and entry.resolve().is_relative_to(root)  # a symlink out of the folder is not offered
            and (entry / "config.json").is_file()
        )[:200]
    except OSError:
        return []


def model_folder(name: str) -> Path | None:
    """The checkpoint folder called `name` under `models_dir()`, or None if it is not one."""
    root = models_dir()
    if root is None or name not in model_folders():
        return None
    path = (root / name).resolve()
    return path if path.is_relative_to(root) else None


def admin_passphrase_hash() -> str | None:
    value = os.environ.get(ADMIN_HASH_ENV, "").strip()
    return value or None
