"""The Lab's download button against a local mirror: progress, then Weights uses the folder."""

from __future__ import annotations

import pytest

from lora_demo.esm import build_model
from lora_demo.pretrain import save_export

pytestmark = pytest.mark.filterwarnings("ignore")
LAB = "pages/lab.py"


def test_download_button_fills_the_weights_folder(tmp_path, monkeypatch, open_page) -> None:
    mirror = tmp_path / "mirror"
    save_export(build_model("esm2_t6_8M", "mlm", seed=1), mirror / "facebook" / "esm2_t6_8M_UR50D")
    monkeypatch.setenv("LORA_LAB_HUB_MIRROR", str(mirror))
    at = open_page(LAB, lang="en")
    at.button(key="lab_hub_go").click().run()
    assert not at.exception
    assert at.radio(key="lab_weights").value == "download"
    assert any("Downloaded to" in s.value for s in at.success)
    assert any("Pretrained checkpoint" in s.value for s in at.success)


def test_offline_download_is_a_message_not_a_traceback(monkeypatch, open_page) -> None:
    monkeypatch.delenv("LORA_LAB_HUB_MIRROR", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    at = open_page(LAB, lang="en")
    at.button(key="lab_hub_go").click().run()
    assert not at.exception
    assert any("offline" in e.value for e in at.error)
    assert at.radio(key="lab_weights").value == "random"
