"""Every invalid setting raises one LoraSettingsError naming the setting; presets; experiments."""

from __future__ import annotations

import re

import pytest

import tests.support.lora  # noqa: F401  (offline env)
from lora_demo import (
    EXPERIMENTS,
    TARGET_PRESETS,
    LoraSettings,
    LoraSettingsError,
    count,
    get_experiment,
    lora_config,
    targets_from_presets,
)

INVALID = [
    ({"r": 0}, "r"),
    ({"r": -3}, "r"),
    ({"r": 2.5}, "r"),
    ({"alpha": 0}, "alpha"),
    ({"alpha": -1.0}, "alpha"),
    ({"dropout": 1.0}, "dropout"),
    ({"dropout": -0.1}, "dropout"),
    ({"model": "esm3_huge"}, "model"),
    ({"head": "regression"}, "head"),
    ({"init": "loftq"}, "init"),
    ({"init": "orthogonal", "r": 3}, "init"),
    ({"bias": "some"}, "bias"),
    ({"dtype": "int8"}, "dtype"),
    ({"device": "tpu"}, "device"),
    ({"num_labels": 0}, "num_labels"),
    ({"task_type": "CAUSAL_LM"}, "task_type"),
    ({"targets": ()}, "targets"),
    ({"targets": ""}, "targets"),
    ({"targets": "(unclosed"}, "targets"),
    ({"targets": ("all-linear", "query")}, "targets"),
    ({"layers": (6,)}, "layers"),
    ({"layers": (-1,)}, "layers"),
    ({"layers": ()}, "layers"),
    ({"layers": (0,), "targets": r".*query"}, "layers"),
    ({"layers": (0,), "targets": ("all-linear",)}, "layers"),
]


@pytest.mark.parametrize(("changes", "setting"), INVALID)
def test_invalid_setting_raises_named_error(changes: dict, setting: str) -> None:
    with pytest.raises(LoraSettingsError) as info:
        LoraSettings(**changes)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.setting == setting
    assert str(err).startswith(f"Invalid setting '{setting}':") and len(err.message) > 10


@pytest.mark.parametrize("targets", [("foo",), ("query", "nonexistent"), r".*\.nothing_here"])
def test_target_matching_nothing_is_an_error(targets) -> None:
    with pytest.raises(LoraSettingsError) as info:
        count(LoraSettings(targets=targets))
    assert info.value.setting == "targets"


def test_layer_out_of_range_message_names_allowed_values() -> None:
    with pytest.raises(LoraSettingsError, match="layers 0 to 5"):
        LoraSettings(layers=(7,))


def test_valid_settings_and_hub_ids() -> None:
    s = LoraSettings(model="facebook/esm2_t12_35M_UR50D", targets=["query"])
    assert s.model == "esm2_t12_35M" and s.targets == ("query",)
    cfg = lora_config(LoraSettings(head="seq", layers=(1, 2), targets=("key",)))
    assert cfg.layers_to_transform == [1, 2] and cfg.modules_to_save == ["classifier"]
    assert LoraSettings(r=16, alpha=32).scaling == 2.0
    assert LoraSettings(r=16, alpha=32, use_rslora=True).scaling == 8.0


def test_presets_names_and_ffn_out_regex() -> None:
    assert set(TARGET_PRESETS) == {"query", "key", "value", "attn_out", "intermediate", "ffn_out"}
    targets, layers = targets_from_presets(
        ["query", "value"], extra="intermediate.dense", layers=(1,)
    )
    assert targets == ("query", "value", "intermediate.dense") and layers == (1,)
    targets, layers = targets_from_presets(["ffn_out"])
    assert isinstance(targets, str) and layers is None
    c = count(LoraSettings(targets=targets))
    names = c.matched_modules[targets]
    assert len(names) == 6 and not any("attention" in n for n in names)
    targets, _ = targets_from_presets(["attn_out", "ffn_out"], layers=(0, 5))
    names = count(LoraSettings(targets=targets)).matched_modules[targets]
    assert sorted(names) == sorted(
        f"esm.encoder.layer.{i}.{p}"
        for i in (0, 5)
        for p in ("attention.output.dense", "output.dense")
    )
    targets, _ = targets_from_presets(["ffn_out"], extra="classifier.dense")
    c = count(LoraSettings(targets=targets, task_type="none"))
    assert "classifier.dense" in c.matched_modules[targets] and len(c.matched_modules[targets]) == 7
    with pytest.raises(LoraSettingsError):
        targets_from_presets(["nope"])


def test_experiment_ids_exact_and_settings_valid() -> None:
    assert set(EXPERIMENTS) == {
        "dropout-placement",
        "grad-at-init",
        "merge-equivalence",
        "rslora-vs-alpha-r",
        "dense-matches-head",
        "rank-sweep",
        "memory-breakdown",
    }
    for exp in EXPERIMENTS.values():
        exp.lora_settings()  # made valid or refused
        assert exp.title_en and re.search(r"[\u4e00-\u9fff]", exp.title_zh)
        assert exp.panel in {"count", "merge", "probes", "train", "memory"}
    with pytest.raises(KeyError):
        get_experiment("nope")


def test_settings_are_valid_once_made_and_immutable() -> None:
    import dataclasses

    s = LoraSettings(model="esm2_t12_35M_UR50D", targets=["key"], layers=[1, 2])
    assert (s.model, s.targets, s.layers) == ("esm2_t12_35M", ("key",), (1, 2))
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.r = 0  # type: ignore[misc]
    with pytest.raises(LoraSettingsError) as info:  # a copy is checked like any new settings
        s.with_(r=0)
    assert info.value.setting == "r"
    with pytest.raises(LoraSettingsError, match="matches no module"):  # no model is built
        LoraSettings(targets=r".*\.layer\.40\..*query")
    assert LoraSettings(model="esm2_t48_15B", targets=r".*\.layer\.40\..*query").layers is None


def test_architecture_module_names_are_the_models() -> None:
    from lora_demo.architecture import module_names
    from lora_demo.esm import meta_model

    for model in ("esm2_t6_8M", "esm2_t33_650M"):
        for head in ("mlm", "seq", "token"):
            live = [name for name, _ in meta_model(model, head).named_modules()]
            assert list(module_names(model, head)) == live, (model, head)


def test_cli_and_lab_defaults_are_the_settings_defaults() -> None:
    from lora_demo.cli import build_parser
    from lora_demo.cli_args import settings_from_args

    for command in ("count", "merge", "train", "memory", "probe"):
        assert settings_from_args(build_parser().parse_args([command])) == LoraSettings()
