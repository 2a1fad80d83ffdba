"""Target presets: the Lab's module checkboxes and free text turned into ``targets``/``layers``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import LoraSettingsError


@dataclass(frozen=True)
class TargetPreset:
    """A UI checkbox: ``name`` is a PEFT suffix name, ``path`` is the module path inside a block."""

    id: str
    label: str
    path: str
    name: str | None  # None: no suffix name hits only this module, a regex is needed


TARGET_PRESETS: dict[str, TargetPreset] = {
    p.id: p
    for p in (
        TargetPreset("query", "query", "attention.self.query", "query"),
        TargetPreset("key", "key", "attention.self.key", "key"),
        TargetPreset("value", "value", "attention.self.value", "value"),
        TargetPreset(
            "attn_out", "attention output", "attention.output.dense", "attention.output.dense"
        ),
        TargetPreset(
            "intermediate", "intermediate (FFN up)", "intermediate.dense", "intermediate.dense"
        ),
        # "output.dense" would also hit attention.output.dense (suffix rule): FFN-out needs a regex
        TargetPreset("ffn_out", "FFN output (down)", "output.dense", None),
    )
}
_REGEX_CHARS = re.compile(r"[\\*+?()\[\]|^$]")


def is_regex(text: str) -> bool:
    """True when a free-text target looks like a regular expression rather than a module name."""
    return bool(_REGEX_CHARS.search(text))


def parse_targets(text: str) -> tuple[str, ...] | str:
    """Free text as ``targets``: one regex as-is, else comma-separated module names."""
    return text if is_regex(text) else tuple(t.strip() for t in text.split(",") if t.strip())


def targets_from_presets(
    preset_ids: Sequence[str],
    extra: str = "",
    layers: tuple[int, ...] | None = None,
) -> tuple[tuple[str, ...] | str, tuple[int, ...] | None]:
    """Turn UI checkboxes + free text into ``(targets, layers)`` for ``LoraSettings``.

    Returns a tuple of names when PEFT's suffix rule can express the choice, otherwise one regex
    (PEFT ignores ``layers_to_transform`` for a regex, so the layers are baked into it).
    ``extra`` is comma-separated names, or one regex.
    """
    unknown = [p for p in preset_ids if p not in TARGET_PRESETS]
    if unknown:
        raise LoraSettingsError(
            "targets", f"unknown preset(s) {unknown}; allowed: {list(TARGET_PRESETS)}"
        )
    presets = [TARGET_PRESETS[p] for p in preset_ids]
    extra = extra.strip()
    extra_is_regex = bool(extra) and is_regex(extra)
    if all(p.name for p in presets) and not extra_is_regex:
        names = [p.name for p in presets if p.name]
        names += [e.strip() for e in extra.split(",") if e.strip()]
        return tuple(dict.fromkeys(names)), layers
    idx = r"\d+" if not layers else "(?:" + "|".join(str(i) for i in layers) + ")"
    alts = "|".join(re.escape(p.path) for p in presets)
    parts = [rf".*\.layer\.{idx}\.(?:{alts})"] if presets else []
    if extra:
        # a free regex joins as-is (layers apply to the presets only); names keep PEFT's
        # suffix rule: key == name or key ends with "." + name
        parts.append(
            extra
            if extra_is_regex
            else "|".join(
                rf"(?:.*\.)?{re.escape(e.strip())}" for e in extra.split(",") if e.strip()
            )
        )
    return "|".join(f"(?:{p})" for p in parts), None
