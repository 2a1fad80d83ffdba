"""Key points built in a test: claims and misconceptions written as the bank writes them."""

from __future__ import annotations

from studykit.schema import KeyPoint


def misconception(claim: str) -> dict:
    """A misconception entry with placeholder texts around `claim`."""
    return {
        "claim": claim,
        "name": {"zh": "误解", "en": "misconception"},
        "correction": {"zh": "更正", "en": "correction"},
        "evidence": ["source"],
    }


def point(*claims: str, misconceptions: tuple[str, ...] = ()) -> KeyPoint:
    """A validated key point stating `claims`, with `misconceptions` given by their claims."""
    return KeyPoint.model_validate(
        {
            "text": {"zh": "要点", "en": "point"},
            "claims": list(claims),
            "misconceptions": [misconception(m) for m in misconceptions],
        }
    )
