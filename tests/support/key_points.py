"""Key points built in a test: claims and misconceptions written as the bank writes them."""

from __future__ import annotations

from studykit.schema import KeyPoint


def misconception(claim: str, name: str | None = None) -> dict:
    """A misconception entry with placeholder texts around `claim` (and `name`, when the test
    checks which misconception was named)."""
    return {
        "claim": claim,
        "name": {"zh": name or "误解", "en": name or "misconception"},
        "correction": {"zh": "更正", "en": "correction"},
        "evidence": ["source"],
    }


def point(*claims: str, misconceptions: tuple[str | dict, ...] = ()) -> KeyPoint:
    """A validated key point stating `claims`; `misconceptions` given by their claims, or as
    entries built by `misconception`."""
    return KeyPoint.model_validate(
        {
            "text": {"zh": "要点", "en": "point"},
            "claims": list(claims),
            "misconceptions": [
                m if isinstance(m, dict) else misconception(m) for m in misconceptions
            ],
        }
    )
