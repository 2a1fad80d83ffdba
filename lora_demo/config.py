"""LoRA settings: one frozen object that is valid once made, its choices and its defaults.

``LoraSettings(...)`` checks every field in ``__post_init__`` and raises a single
:class:`LoraSettingsError` that names the setting and the allowed values, in plain English, so a UI
can show ``str(err)`` directly. An invalid settings object cannot exist, so nothing downstream
checks again; what follows from the fields (the model's spec, the LoRA scale, PEFT's task type) is
worked out then too, so later readers only read attributes. PEFT's ``LoraConfig`` is built from
the settings in :mod:`lora_demo.peft_models`. This module loads neither torch nor PEFT.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .architecture import DTYPE_NAMES, HEADS, MODEL_NAMES, EsmSpec, module_names
from .architecture import resolve_model_name as _resolve_model_name
from .errors import LoraSettingsError
from .sources import source_kind
from .target_regex import (
    TargetRegexError,
    compile_target_regex,
    matching_names,
    no_match_message,
)

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
BIAS_CHOICES = ("none", "all", "lora_only")
TASK_TYPE_CHOICES = ("auto", "none")
DEVICE_CHOICES = ("cpu", "cuda", "mps", "meta", "auto")
_PEFT_TASK_FOR_HEAD = {"seq": "SEQ_CLS", "token": "TOKEN_CLS", "mlm": None}


@dataclass(frozen=True)
class LoraSettings:
    """Everything that defines one LoRA model. ``targets``: names (suffix rule) or one regex.

    Made valid or not at all: the model becomes its short name, ``targets``/``layers`` tuples.
    """

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
    # Worked out from the fields when made (not arguments, not in repr or equality):
    spec: EsmSpec = field(init=False, repr=False, compare=False)  # the model's architecture
    scaling: float = field(init=False, repr=False, compare=False)  # alpha/r or alpha/sqrt(r)
    # PEFT task type name: SEQ_CLS / TOKEN_CLS puts ``classifier`` into modules_to_save
    peft_task_type: str | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        spec = _checked_model(self.model)
        _check_choices(self)
        targets = _checked_targets(self, spec)
        layers = _checked_layers(self, targets, spec)
        _check_source(self.source)
        derived = {
            "model": spec.short,
            "targets": targets,
            "layers": layers,
            "spec": spec,
            "scaling": self.alpha / (self.r**0.5 if self.use_rslora else self.r),
            "peft_task_type": None if self.task_type == "none" else _PEFT_TASK_FOR_HEAD[self.head],
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)

    def with_(self, **changes: Any) -> LoraSettings:
        """New settings with some fields changed (checked like any new settings)."""
        return replace(self, **changes)


def _checked_model(model: object) -> EsmSpec:
    try:
        return _resolve_model_name(model)  # type: ignore[arg-type]  # odd types refused below
    except (KeyError, AttributeError):
        raise LoraSettingsError(
            "model",
            f"unknown model {model!r}; allowed: {', '.join(MODEL_NAMES)} "
            "(or their Hugging Face ids, e.g. facebook/esm2_t6_8M_UR50D)",
        ) from None


def _one_of(setting: str, value: object, allowed: Iterable[str], what: str) -> None:
    allowed = tuple(allowed)
    if not isinstance(value, str) or value not in allowed:
        raise LoraSettingsError(setting, f"{value!r} {what}; allowed: {', '.join(allowed)}")


def _check_choices(s: LoraSettings) -> None:
    _one_of("head", s.head, HEADS, "is not a head")
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
    _one_of("init", s.init, INIT_CHOICES, "is not available")
    if s.init == "orthogonal" and s.r % 2:
        raise LoraSettingsError("init", f"'orthogonal' init needs an even r (got r={s.r})")
    _one_of("bias", s.bias, BIAS_CHOICES, "is not allowed")
    _one_of("dtype", s.dtype, DTYPE_NAMES, "is not allowed")
    _one_of("device", s.device, DEVICE_CHOICES, "is not allowed")
    _one_of("task_type", s.task_type, TASK_TYPE_CHOICES, "is not a task type")
    if (
        isinstance(s.num_labels, bool)
        or not isinstance(s.num_labels, int)
        or not 1 <= s.num_labels <= 1000
    ):
        raise LoraSettingsError(
            "num_labels", f"must be a whole number from 1 to 1000 (got {s.num_labels!r})"
        )


def _checked_targets(s: LoraSettings, spec: EsmSpec) -> tuple[str, ...] | str:
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
        # the architecture's module names: a regex that hits nothing is refused before any model
        if not matching_names(t, module_names(spec.short, s.head)):
            raise LoraSettingsError("targets", no_match_message(t, spec.short))
        return t
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
    return tuple(t)


def _checked_layers(
    s: LoraSettings, targets: tuple[str, ...] | str, spec: EsmSpec
) -> tuple[int, ...] | None:
    n_layers = spec.layers
    if s.layers is None:
        return None
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
            f"layer index {bad} out of range; {spec.short} has layers 0 to {n_layers - 1}",
        )
    if targets == ("all-linear",):
        raise LoraSettingsError(
            "layers", "PEFT does not combine 'all-linear' with layers_to_transform"
        )
    return tuple(int(i) for i in s.layers)


def _check_source(src: object) -> None:
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


DEFAULT_SETTINGS = LoraSettings()  # the defaults the Lab's controls and the CLI start from
