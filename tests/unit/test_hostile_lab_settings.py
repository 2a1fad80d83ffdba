"""Property-based: any Lab settings are valid or refused with a `LoraSettingsError` that names them.

Free-text targets (names or regexes), layer lists, ranks, alphas and odd types: `LoraSettings(...)`,
`targets_from_presets()` and `count()` either work or raise `LoraSettingsError` with a readable
message; never another exception, never a hang.
"""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lora_demo import TARGET_PRESETS, LoraSettings, LoraSettingsError, count, targets_from_presets
from lora_demo.architecture import DTYPE_NAMES, HEADS, MODEL_NAMES
from lora_demo.config import BIAS_CHOICES, INIT_CHOICES

SLOW_S = 20.0
ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.tuples(st.text(max_size=8)),
    st.lists(st.integers(-3, 40), max_size=4).map(tuple),
)
FIELDS = {
    "model": st.one_of(st.sampled_from(list(MODEL_NAMES)), ODD),
    "head": st.one_of(st.sampled_from(list(HEADS)), ODD),
    "r": st.one_of(st.integers(-5, 2000), ODD),
    "alpha": st.one_of(st.floats(-10, 1e6), ODD),
    "dropout": st.one_of(st.floats(-1, 2), ODD),
    "targets": st.one_of(
        st.lists(st.sampled_from(["query", "value", "key", "dense", "all-linear", ""]), max_size=3),
        st.text(max_size=30),
        ODD,
    ),
    "layers": st.one_of(st.none(), st.lists(st.integers(-2, 50), max_size=4).map(tuple), ODD),
    "use_rslora": st.booleans(),
    "init": st.one_of(st.sampled_from(list(INIT_CHOICES)), ODD),
    "bias": st.one_of(st.sampled_from(list(BIAS_CHOICES)), ODD),
    "dtype": st.one_of(st.sampled_from(list(DTYPE_NAMES)), ODD),
    "device": st.one_of(st.sampled_from(["cpu", "meta", "auto", "cuda"]), ODD),
    "num_labels": st.one_of(st.integers(-2, 2000), ODD),
    "task_type": st.one_of(st.sampled_from(["auto", "none"]), ODD),
}


def _refusal_is_clear(exc: LoraSettingsError) -> None:
    assert exc.setting and exc.message.strip(), exc
    assert str(exc).startswith(f"Invalid setting '{exc.setting}'") and len(str(exc)) < 800


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({}, optional=FIELDS))
@example({"targets": "(a+)+$", "layers": (1,)})
@example({"targets": "[", "layers": None})
def test_validate_accepts_or_refuses_clearly(fields: dict) -> None:
    start = time.perf_counter()
    try:
        settings_ = LoraSettings(**fields)
    except LoraSettingsError as exc:
        _refusal_is_clear(exc)
    else:
        assert isinstance(settings_.r, int) and 1 <= settings_.r <= 1024
        assert math.isfinite(settings_.scaling) and settings_.scaling > 0
    assert time.perf_counter() - start < 1.0


PRESETS = st.lists(st.sampled_from([*TARGET_PRESETS, "bogus"]), max_size=4, unique=True)
EXTRA = st.one_of(
    st.text(st.sampled_from(list("querykvalitnmdsop.,*+?()[]|^$\\ 0123456789_-")), max_size=24),
    st.sampled_from(["dense", "query,value", r".*\.layer\.\d+\.attention\.self\.query", "(", "*"]),
)
LAYERS = st.one_of(st.none(), st.lists(st.integers(-1, 7), min_size=0, max_size=3).map(tuple))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PRESETS, EXTRA, LAYERS, st.integers(1, 64), st.sampled_from(["seq", "token", "mlm"]))
@example([], "", None, 8, "seq")
@example(["ffn_out"], "", (0, 5), 8, "token")
@example(["query"], "nothing_matches_this", None, 4, "seq")
def test_free_text_targets_count_or_refuse(
    presets: list[str], extra: str, layers: tuple[int, ...] | None, r: int, head: str
) -> None:
    start = time.perf_counter()
    try:
        targets, layers_ = targets_from_presets(presets, extra, layers)
        lora = LoraSettings(model="esm2_t6_8M", head=head, r=r, targets=targets, layers=layers_)
        result = count(lora)
    except LoraSettingsError as exc:
        _refusal_is_clear(exc)
    else:
        assert 0 < result.trainable <= result.total
    assert time.perf_counter() - start < SLOW_S


@pytest.mark.parametrize(
    "value",
    [["query"], {"a": 1}, ("x",), 3.5],
)
def test_unhashable_or_odd_choice_values_are_refused(value: object) -> None:
    for field in ("head", "init", "bias", "dtype", "device", "task_type"):
        with pytest.raises(LoraSettingsError):
            LoraSettings(**{field: value})


def test_infinite_alpha_is_refused() -> None:
    with pytest.raises(LoraSettingsError, match="alpha"):
        LoraSettings(alpha=math.inf)


def test_only_named_checkpoint_folders_under_the_models_dir_resolve(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12: the "Local folder" field expanded ~ and told anyone whether a folder exists."""
    from studykit.deployment import model_folder, model_folders

    models = tmp_path / "models"
    (models / "ckpt").mkdir(parents=True)
    (models / "ckpt" / "config.json").write_text("{}")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "config.json").write_text("{}")
    (models / "link-out").symlink_to(tmp_path / "outside")
    monkeypatch.delenv("LORA_LAB_SHARED", raising=False)
    monkeypatch.setenv("LORA_LAB_MODELS_DIR", str(models))
    assert model_folders() == ["ckpt"]
    assert model_folder("ckpt") == (models / "ckpt").resolve()
    for name in ("link-out", "../outside", "~", str(tmp_path / "outside"), "", "missing"):
        assert model_folder(name) is None, name
    monkeypatch.setenv("LORA_LAB_MODELS_DIR", "~/models")  # no ~ expansion
    assert model_folders() == []
    monkeypatch.setenv("LORA_LAB_MODELS_DIR", str(models))
    monkeypatch.setenv("LORA_LAB_SHARED", "1")  # a class server offers no server folders
    assert model_folders() == [] and model_folder("ckpt") is None
