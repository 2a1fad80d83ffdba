"""LoRA settings: one validated settings object, target presets, PEFT ``LoraConfig``.

``LoraSettings.validate()`` raises a single :class:`LoraSettingsError` that names the setting and
the allowed values, in plain English, so a UI can show ``str(err)`` directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from peft import LoraConfig, TaskType

from .esm import DTYPES, HEADS, MODEL_NAMES, SPECS, resolve_model_name
from .target_regex import TargetRegexError, compile_target_regex, matching_names

# init_lora_weights values that work offline, by the name shown to users.
INIT_CHOICES: dict[str, Any] = {
    "default": True,  # kaiming-uniform A, zero B -> adapter is a no-op at step 0
    "gaussian": "gaussian",  # A ~ N(0, 1/r), zero B
    "random": False,  # both random: not a no-op; what PEFT's own merge tests use
    "pissa": "pissa",  # SVD of W; changes the base weight to the residual
    "pissa_niter_4": "pissa_niter_4",  # fast randomised SVD
    "olora": "olora",  # QR of W; changes the base weight
    "orthogonal": "orthogonal",  # needs an even r
}
# Inits that read (and change) the base weights: PiSSA, OLoRA. "disable adapter" != original model.
DATA_DEPENDENT_INITS = frozenset({"pissa", "pissa_niter_4", "olora"})
BIAS_CHOICES = ("none", "all", "lora_only")
TASK_TYPE_CHOICES = ("auto", "none")
DEVICE_CHOICES = ("cpu", "cuda", "mps", "meta", "auto")
_TASK_FOR_HEAD = {"seq": TaskType.SEQ_CLS, "token": TaskType.TOKEN_CLS, "mlm": None}


class LoraSettingsError(ValueError):
    """An invalid setting; ``setting`` names it, ``str(err)`` is a readable English sentence."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(f"Invalid setting '{setting}': {message}")
        self.setting = setting
        self.message = message


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
FFN_OUT_REGEX = r".*\.layer\.\d+\.output\.dense"
_REGEX_CHARS = re.compile(r"[\\*+?()\[\]|^$]")


def is_regex(text: str) -> bool:
    """True when a free-text target looks like a regular expression rather than a module name."""
    return bool(_REGEX_CHARS.search(text))


def targets_from_presets(
    preset_ids: list[str] | tuple[str, ...],
    extra: str = "",
    layers: tuple[int, ...] | None = None,
) -> tuple[tuple[str, ...] | str, tuple[int, ...] | None]:
    """Turn UI checkboxes + free text into ``(targets, layers)`` for :class:`LoraSettings`.

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


@dataclass(frozen=True)
class LoraSettings:
    """Everything that defines one LoRA model. ``targets``: names (suffix rule) or one regex."""

    model: str = "esm2_t6_8M"
    head: str = "seq"
    r: int = 8
    alpha: float = 16.0
    dropout: float = 0.0
    targets: tuple[str, ...] | str = ("query", "value")
    layers: tuple[int, ...] | None = None
    use_rslora: bool = False
    init: str = "default"
    bias: str = "none"
    dtype: str = "float32"
    device: str = "cpu"
    num_labels: int = 2
    task_type: str = "auto"  # "auto": SEQ_CLS/TOKEN_CLS from the head; "none": no task type
    seed: int = 0
    # "random" (seeded, architecture-exact), "auto" (the offline HF cache, else an error),
    # a local checkpoint folder, or an explicit hub id (the only value that may use the network)
    source: str = "random"

    @property
    def spec(self):
        return resolve_model_name(self.model)

    @property
    def scaling(self) -> float:
        """Effective LoRA scale: alpha/r, or alpha/sqrt(r) with rsLoRA."""
        return self.alpha / (self.r**0.5 if self.use_rslora else self.r)

    def with_(self, **changes: Any) -> LoraSettings:
        """A copy with some fields changed (dataclasses.replace)."""
        return replace(self, **changes)

    def validate(self) -> LoraSettings:
        """Raise :class:`LoraSettingsError` for the first invalid setting; return self if valid."""
        _check(self)
        return self

    def normalized(self) -> LoraSettings:
        """Validated copy with the model as its short name and tuples instead of lists."""
        self.validate()
        targets = self.targets if isinstance(self.targets, str) else tuple(self.targets)
        layers = None if self.layers is None else tuple(int(i) for i in self.layers)
        return replace(self, model=self.spec.short, targets=targets, layers=layers)


def _check(s: LoraSettings) -> None:
    try:
        spec = resolve_model_name(s.model)
    except (KeyError, AttributeError):
        raise LoraSettingsError(
            "model",
            f"unknown model {s.model!r}; allowed: {', '.join(MODEL_NAMES)} "
            "(or their Hugging Face ids, e.g. facebook/esm2_t6_8M_UR50D)",
        ) from None
    if s.head not in HEADS:
        raise LoraSettingsError("head", f"{s.head!r} is not a head; allowed: {', '.join(HEADS)}")
    if isinstance(s.r, bool) or not isinstance(s.r, int) or s.r < 1:
        raise LoraSettingsError("r", f"rank r must be a whole number >= 1 (got {s.r!r})")
    if s.r > 1024:
        raise LoraSettingsError("r", f"rank r must be at most 1024 (got {s.r})")
    if (
        not isinstance(s.alpha, int | float)
        or isinstance(s.alpha, bool)
        or not 1e-6 <= s.alpha <= 1e6  # a subnormal alpha makes alpha/r round to 0
    ):
        raise LoraSettingsError(
            "alpha", f"lora_alpha must be a number from 1e-6 to 1e6 (got {s.alpha!r})"
        )
    if not isinstance(s.dropout, int | float) or not 0.0 <= s.dropout < 1.0:
        raise LoraSettingsError("dropout", f"lora_dropout must be in [0, 1) (got {s.dropout!r})")
    if not isinstance(s.init, str) or s.init not in INIT_CHOICES:
        raise LoraSettingsError(
            "init", f"{s.init!r} is not available; allowed: {', '.join(INIT_CHOICES)}"
        )
    if s.init == "orthogonal" and s.r % 2:
        raise LoraSettingsError("init", f"'orthogonal' init needs an even r (got r={s.r})")
    if s.bias not in BIAS_CHOICES:
        raise LoraSettingsError(
            "bias", f"{s.bias!r} is not allowed; allowed: {', '.join(BIAS_CHOICES)}"
        )
    if not isinstance(s.dtype, str) or s.dtype not in DTYPES:
        raise LoraSettingsError(
            "dtype", f"{s.dtype!r} is not allowed; allowed: {', '.join(DTYPES)}"
        )
    if s.device not in DEVICE_CHOICES:
        raise LoraSettingsError(
            "device", f"{s.device!r} is not allowed; allowed: {', '.join(DEVICE_CHOICES)}"
        )
    if s.task_type not in TASK_TYPE_CHOICES:
        raise LoraSettingsError(
            "task_type", f"{s.task_type!r}; allowed: {', '.join(TASK_TYPE_CHOICES)}"
        )
    if (
        isinstance(s.num_labels, bool)
        or not isinstance(s.num_labels, int)
        or not 1 <= s.num_labels <= 1000
    ):
        raise LoraSettingsError(
            "num_labels", f"must be a whole number from 1 to 1000 (got {s.num_labels!r})"
        )
    _check_targets(s)
    _check_layers(s, spec.layers)
    _check_source(s)


_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")


def source_kind(source: str) -> str:
    """``"random"``, ``"auto"``, ``"folder"`` or ``"hub"`` (no file is read, nothing is fetched).

    Anything that looks like a path (absolute, ``./``, ``~``, or an existing folder) is a folder;
    only a bare ``owner/name`` that is not a folder here is a hub id.
    """
    from pathlib import Path

    if source in ("random", "auto"):
        return source
    if source.startswith(("/", ".", "~", "\\")) or Path(source).expanduser().is_dir():
        return "folder"
    if _HUB_ID.fullmatch(source) and source.count("/") == 1:
        return "hub"
    return "folder"


def _check_source(s: LoraSettings) -> None:
    from pathlib import Path

    src = s.source
    if not isinstance(src, str) or not src.strip() or src != src.strip():
        raise LoraSettingsError(
            "source",
            f"{src!r}; use 'random', 'auto' (the Hugging Face cache), a checkpoint folder path "
            "or a hub id such as facebook/esm2_t6_8M_UR50D",
        )
    if source_kind(src) == "folder" and not Path(src).expanduser().is_dir():
        raise LoraSettingsError(
            "source",
            f"the folder {src!r} does not exist. Give the path of a saved ESM-2 checkpoint folder "
            "(config.json + model.safetensors), or use 'random'.",
        )


def _check_targets(s: LoraSettings) -> None:
    t = s.targets
    if isinstance(t, str):
        if not t.strip():
            raise LoraSettingsError(
                "targets", "the target regex is empty; give names like query,value or a regex"
            )
        try:
            compile_target_regex(t)  # RE2: linear-time matching, never Python's backtracking
        except TargetRegexError as exc:
            raise LoraSettingsError("targets", str(exc)) from None
        if s.layers is not None:
            raise LoraSettingsError(
                "layers",
                "PEFT ignores layers_to_transform when targets is a regex; "
                "put the layer numbers into the regex "
                r"(e.g. .*\.layer\.(?:4|5)\.attention\.self\.query)",
            )
        return
    if (
        not isinstance(t, tuple | list)
        or not t
        or not all(isinstance(x, str) and x.strip() for x in t)
    ):
        raise LoraSettingsError(
            "targets", "give at least one module name (e.g. query, value) or a regex string"
        )
    if "all-linear" in t and len(t) > 1:
        raise LoraSettingsError("targets", "'all-linear' must be used alone")


def _check_layers(s: LoraSettings, n_layers: int) -> None:
    if s.layers is None:
        return
    if not isinstance(s.layers, tuple | list):
        raise LoraSettingsError(
            "layers", f"give a list of layer numbers such as [4, 5], or None (got {s.layers!r})"
        )
    if not s.layers:
        raise LoraSettingsError(
            "layers", f"choose at least one layer from 0 to {n_layers - 1}, or None for all"
        )
    bad = [
        i
        for i in s.layers
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < n_layers
    ]
    if bad:
        raise LoraSettingsError(
            "layers",
            f"layer index {bad} out of range; {s.spec.short} has layers 0 to {n_layers - 1}",
        )
    if s.targets == ("all-linear",) or s.targets == ["all-linear"]:
        raise LoraSettingsError(
            "layers", "PEFT does not combine 'all-linear' with layers_to_transform"
        )


def task_type(s: LoraSettings) -> TaskType | None:
    """PEFT task type: SEQ_CLS / TOKEN_CLS puts ``classifier`` into modules_to_save."""
    return None if s.task_type == "none" else _TASK_FOR_HEAD[s.head]


def explicit_targets(s: LoraSettings, module_names: Iterable[str]) -> list[str] | str:
    """``target_modules`` for PEFT: a regex becomes the list of module names it fully matches.

    PEFT would match a string with Python's backtracking ``re`` (a hostile pattern stalls the
    process); RE2 matches it here instead, so PEFT only sees exact names.
    """
    if not isinstance(s.targets, str):
        names = list(s.targets)
        return "all-linear" if names == ["all-linear"] else names
    try:
        matched = list(matching_names(s.targets, module_names))
    except TargetRegexError as exc:
        raise LoraSettingsError("targets", str(exc)) from None
    if not matched:
        raise LoraSettingsError(
            "targets",
            f"{s.targets[:80]!r} matches no module of {s.spec.short}. Try names such as query, "
            "value, attention.output.dense, or a regex such as .*\\.layer\\.5\\..*query",
        )
    return matched


def lora_config(
    s: LoraSettings, *, meta: bool = False, module_names: Iterable[str] | None = None
) -> LoraConfig:
    """PEFT ``LoraConfig`` for validated settings (``meta``: replace data-dependent inits).

    A regex target needs ``module_names`` (the model's ``named_modules()`` names; default: the
    architecture's, from a meta-device model) and is passed to PEFT as the names it matches.
    """
    init = INIT_CHOICES[s.init]
    if meta:
        init = True  # same shapes and counts; SVD/QR/orthogonal inits cannot run without data
    if isinstance(s.targets, str) and module_names is None:
        from .esm import meta_model

        module_names = [n for n, _ in meta_model(s.model, s.head, s.num_labels).named_modules()]
    targets = explicit_targets(s, module_names or ())
    return LoraConfig(
        r=s.r,
        lora_alpha=s.alpha,
        lora_dropout=float(s.dropout),
        target_modules=targets,
        layers_to_transform=list(s.layers) if s.layers is not None else None,
        layers_pattern="layer" if s.layers is not None else None,
        use_rslora=s.use_rslora,
        init_lora_weights=init,
        bias=s.bias,
        task_type=task_type(s),
        # Explicit, not only via the task type: PEFT 0.21 adds "classifier" to modules_to_save
        # *after* injecting LoRA, so token heads + all-linear would otherwise crash.
        modules_to_save=["classifier"] if task_type(s) is not None else None,
    )


def all_model_names() -> tuple[str, ...]:
    return tuple(SPECS)
