"""LoraSettings(source=...): random default, local checkpoint folders, the HF cache, no network."""

from __future__ import annotations

import json
import shutil
import socket

import pytest
import torch

import tests.support.lora  # noqa: F401  (offline env)
from lora_demo import (
    LoraSettings,
    LoraSettingsError,
    ModelLoadError,
    RunSpec,
    count,
    make_task,
    merge_check,
    peft_model,
    train,
)
from tests.support.lora import make_checkpoint


@pytest.fixture(scope="module")
def ckpt(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ckpt") / "esm2_t6_8M_seed123"
    saved = make_checkpoint(folder)
    return folder, {k: v.clone() for k, v in saved.state_dict().items()}


def _base_weights(pm) -> dict[str, torch.Tensor]:
    """The frozen base weights inside a PeftModel, under the plain transformers names."""
    sd = pm.get_base_model().state_dict()
    return {
        k.replace(".base_layer", "").replace(".original_module", ""): v
        for k, v in sd.items()
        if "lora_" not in k and ".modules_to_save." not in k
    }


def test_default_is_random_and_says_so() -> None:
    s = LoraSettings()
    assert s.source == "random"
    assert count(s).provenance == "architecture-exact, random weights (seed 0)"
    assert peft_model(s.with_(seed=3))[1] == "architecture-exact, random weights (seed 3)"


def test_folder_weights_are_the_saved_ones(ckpt) -> None:
    folder, saved = ckpt
    pm, provenance = peft_model(LoraSettings(source=str(folder)))
    assert provenance == f"pretrained checkpoint from {folder}"
    got = _base_weights(pm)
    assert saved.keys() <= got.keys()
    assert all(torch.equal(saved[k], got[k]) for k in saved)
    random_pm, _ = peft_model(LoraSettings())  # seed-0 random init differs
    rnd = _base_weights(random_pm)
    key = "esm.encoder.layer.0.attention.self.query.weight"
    assert not torch.equal(rnd[key], got[key])


def test_folder_count_is_the_architecture_count_and_checked(ckpt) -> None:
    folder, _ = ckpt
    c, r = count(LoraSettings(source=str(folder))), count(LoraSettings())
    assert (c.trainable, c.total) == (r.trainable, r.total) == (164_802, 7_677_245)
    assert c.config_checked and not r.config_checked
    assert str(folder) in c.provenance and "config.json matches esm2_t6_8M" in c.provenance


def test_folder_merge_check_and_three_step_train(ckpt) -> None:
    folder, _ = ckpt
    s = LoraSettings(source=str(folder))
    rep = merge_check(s)
    assert rep.passed and str(folder) in rep.provenance
    res = train(make_task("net-charge", n=32), RunSpec("l", "lora", s), steps=3, batch_size=4)
    assert len(res.steps) == 3 and res.provenance == f"pretrained checkpoint from {folder}"
    assert all(torch.isfinite(torch.tensor(x.train_loss)) for x in res.steps)


def test_wrong_size_config_names_source(ckpt, tmp_path) -> None:
    folder, _ = ckpt
    wrong = tmp_path / "wrong"
    shutil.copytree(folder, wrong)
    cfg = json.loads((wrong / "config.json").read_text())
    cfg["hidden_size"], cfg["num_hidden_layers"], cfg["intermediate_size"] = 480, 12, 1920
    (wrong / "config.json").write_text(json.dumps(cfg))
    for call in (count, peft_model, merge_check):
        with pytest.raises(LoraSettingsError, match="source") as err:
            call(LoraSettings(source=str(wrong)))
        assert err.value.setting == "source" and "hidden_size=480" in str(err.value)
    # the same folder is fine for the size it was saved as
    cfg_ok = LoraSettings(model="esm2_t12_35M", source=str(wrong))
    with pytest.raises(ModelLoadError):  # 35M config, 8M weights: a load error, not a crash
        peft_model(cfg_ok)


def test_missing_empty_and_corrupt_folders_say_what_to_do(ckpt, tmp_path) -> None:
    folder, _ = ckpt
    with pytest.raises(LoraSettingsError, match="does not exist") as err:
        LoraSettings(source=str(tmp_path / "nope"))
    assert err.value.setting == "source" and "random" in str(err.value)
    no_weights = tmp_path / "no_weights"
    no_weights.mkdir()
    shutil.copy(folder / "config.json", no_weights / "config.json")
    with pytest.raises(ModelLoadError, match=r"safetensors.*save_pretrained"):
        peft_model(LoraSettings(source=str(no_weights)))
    with pytest.raises(ModelLoadError, match=r"config\.json"):
        count(LoraSettings(source=str(tmp_path)))
    corrupt = tmp_path / "corrupt"
    shutil.copytree(folder, corrupt)
    (corrupt / "model.safetensors").write_bytes(b"not a safetensors file" * 10)
    with pytest.raises(ModelLoadError, match=r"corrupt.*save it again") as err:
        peft_model(LoraSettings(source=str(corrupt)))
    assert str(corrupt) in str(err.value)


def test_auto_without_cache_is_a_clear_error(tmp_path, monkeypatch) -> None:
    import huggingface_hub.constants as hub_constants

    monkeypatch.setattr(hub_constants, "HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    for call in (count, peft_model):
        with pytest.raises(ModelLoadError, match="not in the Hugging Face cache") as err:
            call(LoraSettings(source="auto"))
        assert "huggingface-cli download" in str(err.value) and "random" in str(err.value)


def test_auto_uses_a_cached_snapshot(ckpt, tmp_path, monkeypatch) -> None:
    import huggingface_hub.constants as hub_constants

    folder, saved = ckpt
    cache = tmp_path / "hub"
    repo = cache / "models--facebook--esm2_t6_8M_UR50D"
    snap = repo / "snapshots" / ("a" * 40)
    shutil.copytree(folder, snap)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("a" * 40)
    monkeypatch.setattr(hub_constants, "HF_HUB_CACHE", str(cache))
    pm, provenance = peft_model(LoraSettings(source="auto"))
    assert provenance == f"pretrained checkpoint from {snap}"
    key = "esm.encoder.layer.0.attention.self.query.weight"
    assert torch.equal(_base_weights(pm)[key], saved[key])


def test_bad_source_values_are_settings_errors() -> None:
    for bad in ("", "  random", 3):
        with pytest.raises(LoraSettingsError, match="source"):
            LoraSettings(source=bad)
    # a bare owner/name is a hub id: valid as a setting, fetched only when loaded (offline here)
    LoraSettings(source="facebook/esm2_t6_8M_UR50D")
    with pytest.raises(ModelLoadError, match="download"):
        peft_model(LoraSettings(source="facebook/esm2_t6_8M_UR50D"))


def test_no_network_for_random_auto_or_folder(ckpt, tmp_path, monkeypatch) -> None:
    import huggingface_hub.constants as hub_constants

    folder, _ = ckpt
    calls: list[object] = []

    def refuse(self, address, *args, **kwargs):
        calls.append(address)
        raise AssertionError(f"network access attempted: {address}")

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(hub_constants, "HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    assert "random weights" in peft_model(LoraSettings(seed=5))[1]
    assert "random weights" in count(LoraSettings(seed=5)).provenance
    assert str(folder) in peft_model(LoraSettings(source=str(folder)))[1]
    assert count(LoraSettings(source=str(folder))).config_checked
    with pytest.raises(ModelLoadError):  # no cache: an error, not a download
        peft_model(LoraSettings(source="auto"))
    assert calls == []


def test_cli_source_flag(ckpt, tmp_path, capsys) -> None:
    from lora_demo.cli import main

    folder, _ = ckpt
    assert main(["count", "--source", str(folder), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["trainable"] == 164_802 and out["config_checked"]
    assert out["provenance"].startswith(f"pretrained checkpoint from {folder}")
    assert main(["count"]) == 0
    assert "weights: architecture-exact, random weights (seed 0)" in capsys.readouterr().out
    assert main(["count", "--source", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert "Invalid setting 'source'" in err and "does not exist" in err


def test_a_checkpoint_config_is_checked_once_per_training(ckpt, monkeypatch) -> None:
    """One source resolution per action: train() decides the source once and loads exactly it."""
    import lora_demo.sources as sources

    folder, _ = ckpt
    calls: list[object] = []
    real = sources.check_folder_config
    monkeypatch.setattr(
        sources, "check_folder_config", lambda *a: (calls.append(a[0]), real(*a))[1]
    )
    s = LoraSettings(source=str(folder))
    calls.clear()
    res = train(make_task("net-charge", n=16), RunSpec("l", "lora", s), steps=1, batch_size=4)
    assert res.provenance == f"pretrained checkpoint from {folder}" and len(calls) == 1


def test_load_base_auto_without_cache_says_it_fell_back(tmp_path, monkeypatch) -> None:
    import huggingface_hub.constants as hub_constants

    from lora_demo import load_base

    monkeypatch.setattr(hub_constants, "HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    loaded = load_base("esm2_t6_8M", source="auto")
    assert not loaded.pretrained
    assert loaded.provenance.startswith("architecture-exact, random weights (seed 0)")
    assert "'auto' found no cached esm2_t6_8M checkpoint" in loaded.provenance
