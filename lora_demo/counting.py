"""Trainable-parameter counts: PEFT's own numbers beside the closed form, matched modules, pitfalls.

PEFT's numbers come from a real ``PeftModel`` built on the meta device (no weights allocated), so
every size up to 15B is exact and fast; :mod:`lora_demo.closed_form` derives the same numbers from
the architecture alone. Results are cached here, once, for every caller (the Lab included).
"""

from __future__ import annotations

import contextlib
import copy
import gc
import io
import re
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from typing import Any

from peft import PeftModel

from .architecture import MODEL_NAMES, resolve_model_name
from .closed_form import ModuleRow, closed_form
from .config import LoraSettings
from .errors import LoraSettingsError
from .peft_models import meta_peft_model
from .sources import ResolvedSource, resolve_source

R_VALUES: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64)


@dataclass(frozen=True)
class Pitfall:
    code: str
    message: str
    details: tuple[tuple[str, str], ...] = ()  # (name, value) parts, for translated messages


@dataclass
class CountResult:
    """Counts for one setting: ``trainable``/``total``/``percent`` from PEFT, ``formula_*`` ours."""

    model: str
    head: str
    trainable: int
    total: int
    percent: float
    peft_line: str
    formula_trainable: int
    formula_total: int
    scaling: float
    scaling_rule: str
    rows: list[ModuleRow] = field(default_factory=list)
    matched_modules: dict[str, list[str]] = field(default_factory=dict)
    pitfalls: list[Pitfall] = field(default_factory=list)
    # where the weights of this setting come from; counts depend on the architecture only
    provenance: str = ""
    config_checked: bool = False  # a checkpoint's config.json was verified against the model

    @property
    def matches_formula(self) -> bool:
        return self.trainable == self.formula_trainable and self.total == self.formula_total

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["matches_formula"] = self.matches_formula
        return d


# ---- PEFT side ---------------------------------------------------------------------------------


def _targeted(pm: PeftModel) -> list[str]:
    prefix = "base_model.model."
    return [n.removeprefix(prefix) for n in pm.targeted_module_names]


def peft_line(trainable: int, total: int) -> str:
    """The exact line ``PeftModel.print_trainable_parameters()`` prints (same f-string)."""
    return (
        f"trainable params: {trainable:,d} || all params: {total:,d} || "
        f"trainable%: {100 * trainable / total:.4f}"
    )


def printed_line(pm: PeftModel) -> str:
    """Capture what PEFT itself prints (used by the tests to pin :func:`peft_line`)."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        pm.print_trainable_parameters()
    return buf.getvalue().strip()


def matched_by_entry(targets: tuple[str, ...] | str, targeted: list[str]) -> dict[str, list[str]]:
    """Which targeted module names each ``target_modules`` entry hit (PEFT's suffix rule)."""
    if isinstance(targets, str) or tuple(targets) == ("all-linear",):
        return {targets if isinstance(targets, str) else "all-linear": list(targeted)}
    return {t: [n for n in targeted if n == t or n.endswith("." + t)] for t in targets}


def pitfalls(s: LoraSettings, targeted: list[str], matched: dict[str, list[str]]) -> list[Pitfall]:
    """Machine-readable warnings about what the target list really did."""
    out: list[Pitfall] = []
    heads = [n for n in targeted if n.startswith(("classifier", "lm_head", "esm.pooler"))]
    if heads:
        out.append(
            Pitfall(
                "dense_hits_head",
                f"'dense' also matched the head: {', '.join(heads)} got LoRA "
                "instead of being trained fully.",
                (("heads", ", ".join(heads)),),
            )
        )
    for entry, names in matched.items():
        blocks: dict[str, set[bool]] = {}
        for n in names:
            m = re.search(r"layer\.(\d+)\.(attention\.)?output\.dense$", n)
            if m:
                blocks.setdefault(m.group(1), set()).add(bool(m.group(2)))
        if any(len(v) == 2 for v in blocks.values()):
            out.append(
                Pitfall(
                    "output_dense_two_per_block",
                    f"{entry!r} matched two layers per block: "
                    "attention.output.dense and the FFN output.dense.",
                    (("entry", repr(entry)),),
                )
            )
            break
    if any(n.endswith("contact_head.regression") for n in targeted):
        out.append(
            Pitfall(
                "all_linear_contact_head",
                "The contact head (contact_head.regression) got LoRA; "
                "it never runs in forward, so those parameters get no gradient.",
            )
        )
    if (
        s.peft_task_type is not None
        and s.head != "mlm"
        and isinstance(s.targets, tuple)
        and "dense" in s.targets
    ):
        out.append(
            Pitfall(
                "head_excluded_modules_to_save",
                "classifier.dense matches 'dense' but is in "
                "modules_to_save, so PEFT trains the whole head instead of adding LoRA.",
            )
        )
    if s.task_type == "none" and s.head != "mlm":
        out.append(
            Pitfall(
                "head_frozen_random",
                "Without a task type the classifier is not in modules_to_save: "
                "it stays frozen (random init) and is not saved with the adapter.",
            )
        )
    if s.peft_task_type is not None:
        out.append(
            Pitfall(
                "head_counted_twice",
                "PEFT's 'all params' counts the classifier twice: the frozen "
                "original and the trainable copy made by modules_to_save.",
            )
        )
    return out


def count(
    settings: LoraSettings, resolved: ResolvedSource | None = None, *, use_cache: bool = True
) -> CountResult:
    """PEFT counts on the meta device plus the closed form, matched modules and pitfalls.

    ``resolved``: the weights source already decided for this action (else it is decided here,
    where a checkpoint's config.json is checked against the model: LoraSettingsError naming
    "source" if it differs). The counts are the architecture's, so they are taken on meta and
    cached per count-relevant settings (UI reruns repeat them). A copy is returned.
    """
    resolved = resolved or resolve_source(settings)
    provenance = resolved.provenance
    if resolved.config_checked:
        provenance += (
            f" (config.json matches {settings.model}: counts are identical by architecture)"
        )
    result = _cached_count(settings) if use_cache else _count(settings)
    result.provenance, result.config_checked = provenance, resolved.config_checked
    return result


_CACHE_SIZE = 256
_CACHE: OrderedDict[tuple[object, ...], CountResult] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def _count_key(s: LoraSettings) -> tuple[object, ...]:
    """The fields counts depend on (not weights, seed, dtype, device, dropout or init)."""
    return (s.model, s.head, s.r, s.alpha, s.targets, s.layers, s.use_rslora, s.bias,
            s.num_labels, s.task_type)  # fmt: skip


def _cached_count(s: LoraSettings) -> CountResult:
    key = _count_key(s)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
    if hit is None:
        hit = _count(s)
        with _CACHE_LOCK:
            _CACHE[key] = hit
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return copy.deepcopy(hit)  # callers may change their copy


def _count(s: LoraSettings) -> CountResult:
    # Building a PEFT model allocates thousands of Python objects; pausing the cyclic GC avoids
    # full collections in the middle (measured ~25% faster for 3B/15B). Refcounting frees them.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _count_uncollected(s)
    finally:
        if enabled:
            gc.enable()


def _count_uncollected(s: LoraSettings) -> CountResult:
    pm = meta_peft_model(s)
    targeted = _targeted(pm)
    matched = matched_by_entry(s.targets, targeted)
    empty = [t for t, names in matched.items() if not names]
    if empty:
        raise LoraSettingsError(
            "targets",
            f"{empty} matched no module of {s.model} (with head {s.head!r}"
            f"{'' if s.layers is None else f', layers {list(s.layers)}'}).",
        )
    trainable, total = pm.get_nb_trainable_parameters()
    rows, f_trainable, f_total = closed_form(s, targeted)
    return CountResult(
        model=s.model,
        head=s.head,
        trainable=trainable,
        total=total,
        percent=100.0 * trainable / total,
        peft_line=peft_line(trainable, total),
        formula_trainable=f_trainable,
        formula_total=f_total,
        scaling=s.scaling,
        scaling_rule="alpha/sqrt(r)" if s.use_rslora else "alpha/r",
        rows=rows,
        matched_modules=matched,
        pitfalls=pitfalls(s, targeted, matched),
    )


def trainable_vs_r(
    targets: tuple[str, ...] | str = ("query", "value"),
    head: str = "seq",
    models: tuple[str, ...] | None = None,
    r_values: tuple[int, ...] = R_VALUES,
) -> list[dict[str, Any]]:
    """Rows {model, r, lora_params, trainable, total, percent} from the closed form (verified
    against PEFT in tests). Matched names come from one PEFT build per model."""
    out = []
    for m in models or MODEL_NAMES:
        spec = resolve_model_name(m)
        base = count(LoraSettings(model=spec.short, head=head, r=1, targets=targets))
        targeted = [r.module for r in base.rows if r.kind == "lora"]
        for r in r_values:
            s = LoraSettings(model=spec.short, head=head, r=r, targets=targets)
            rows, trainable, total = closed_form(s, targeted)
            lora = sum(x.params for x in rows if x.kind == "lora")
            out.append(
                {
                    "model": spec.short,
                    "r": r,
                    "lora_params": lora,
                    "trainable": trainable,
                    "total": total,
                    "percent": 100.0 * trainable / total,
                }
            )
    return out
