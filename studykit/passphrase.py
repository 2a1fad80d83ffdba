"""Learner passphrases, hashed with argon2 (argon2-cffi's defaults: argon2id, a salt per hash).

Only the hash is stored (a profile setting); a passphrase is never logged, exported or shown.
``python -m studykit.passphrase`` prints the hash of a passphrase typed at the prompt, for the
admin setting ``LORA_LAB_ADMIN_PASSPHRASE_HASH``.
"""

from __future__ import annotations

import getpass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_CHARS = 8
MAX_CHARS = 200  # argon2 hashes any length; the cap bounds the work a form submission can ask
_HASHER = PasswordHasher()


def passphrase_problem(passphrase: str) -> str | None:
    """Why `passphrase` cannot be set (English), or None."""
    if len(passphrase) < MIN_CHARS:
        return f"at least {MIN_CHARS} characters"
    if len(passphrase) > MAX_CHARS:
        return f"at most {MAX_CHARS} characters"
    return None


def hash_passphrase(passphrase: str) -> str:
    """The argon2 hash to store (raises ValueError for a passphrase that cannot be set)."""
    if problem := passphrase_problem(passphrase):
        raise ValueError(problem)
    return _HASHER.hash(passphrase)


def verify_passphrase(stored_hash: str | None, passphrase: str) -> bool:
    """True when `passphrase` matches `stored_hash`; never raises for a bad input or hash."""
    if not stored_hash or not passphrase or len(passphrase) > MAX_CHARS:
        return False
    try:
        return _HASHER.verify(stored_hash, passphrase)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


if __name__ == "__main__":
    print(hash_passphrase(getpass.getpass("passphrase: ")))
