"""Official-checkpoint download, tested only against a local mirror folder (never the network)."""

from __future__ import annotations

import pytest

from lora_demo.esm import build_model
from lora_demo.hub_download import HubDownloadError, download_official, target_folder
from lora_demo.loading import load_base
from lora_demo.pretrain import save_export


@pytest.fixture
def mirror(tmp_path):
    root = tmp_path / "mirror"
    save_export(build_model("esm2_t6_8M", "mlm", seed=3), root / "facebook" / "esm2_t6_8M_UR50D")
    return root


def test_download_from_a_mirror_reports_progress_and_loads(tmp_path, mirror):
    seen = []
    folder = download_official(
        "esm2_t6_8M", tmp_path / "data", mirror=mirror, on_progress=lambda *a: seen.append(a)
    )
    assert folder == target_folder("esm2_t6_8M", tmp_path / "data")
    assert (folder / "model.safetensors").is_file()
    assert seen[0][1] == 0 and seen[-1][1] == seen[-1][2] == 4
    assert load_base("esm2_t6_8M", "seq", source=str(folder)).pretrained


def test_offline_without_a_mirror_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("LORA_LAB_HUB_MIRROR", raising=False)
    with pytest.raises(HubDownloadError, match="offline"):
        download_official("esm2_t6_8M", tmp_path)
    assert not target_folder("esm2_t6_8M", tmp_path).exists()  # nothing half-written


def test_incomplete_mirror_or_wrong_size_leaves_nothing_behind(tmp_path, mirror):
    (mirror / "facebook" / "esm2_t6_8M_UR50D" / "model.safetensors").unlink()
    with pytest.raises(HubDownloadError, match=r"no facebook/esm2_t6_8M_UR50D/model\.safetensors"):
        download_official("esm2_t6_8M", tmp_path, mirror=mirror)
    wrong = tmp_path / "m2"
    save_export(build_model("esm2_t6_8M", "mlm"), wrong / "facebook" / "esm2_t12_35M_UR50D")
    with pytest.raises(ValueError, match="not esm2_t12_35M"):
        download_official("esm2_t12_35M", tmp_path, mirror=wrong)
    assert not list((tmp_path / "checkpoints").iterdir())
    with pytest.raises(HubDownloadError, match="only"):
        download_official("esm2_t30_150M", tmp_path, mirror=mirror)
