"""The Lab with real tasks built (tiny makeblastdb database) and the project's checkpoint present:
the Training tab offers the real task with its data card and the majority baseline, synthetic
tasks stay and say so, the MLM tab scores random vs the project checkpoint."""

from __future__ import annotations

import json
import shutil

import pytest

from lora_demo.esm import build_model
from lora_demo.pretrain import save_export
from lora_demo.realdata.build import build
from tests.support.lab_tabs import show_tab, train_until_done
from tests.support.metastudent import make_metastudent
from tests.support.read_text import as_read

pytestmark = [
    pytest.mark.filterwarnings("ignore"),
    pytest.mark.skipif(
        not all(shutil.which(t) for t in ("makeblastdb", "blastdbcmd", "mmseqs")),
        reason="needs ncbi-blast+ and mmseqs2 (CI installs them)",
    ),
]
LAB = "pages/lab.py"


@pytest.fixture
def real_data(tmp_path, monkeypatch):
    src = make_metastudent(tmp_path / "metastudent")
    build(tmp_path / "data", src, with_leakage=False)  # the app tests' LORA_LAB_DATA_DIR
    ckpt = tmp_path / "project"
    save_export(build_model("esm2_t6_8M", "mlm", seed=7), ckpt)
    (ckpt / "pretrain_metrics.json").write_text(json.dumps({"tokens_seen": 12345}))
    (ckpt / "MODEL_CARD.md").write_text("# test card <b>not html</b>\n")
    monkeypatch.setattr("lora_demo.project_checkpoint.PROJECT_DIR", ckpt)
    return tmp_path


def test_real_task_with_data_card_and_majority_baseline(real_data, open_page) -> None:
    at = show_tab(open_page(LAB, lang="en"), "train")
    radio = at.radio(key="lab_task")
    assert radio.value == "localization"
    labels = radio.options  # AppTest lists the formatted labels
    assert "Subcellular localisation (real proteins, 6 classes)" in labels
    assert "Net charge (synthetic, per sequence)" in labels
    card_tables = [d.value for d in at.dataframe]
    assert any(
        "GPL-2+" in " ".join(map(str, t.iloc[:, 1])) for t in card_tables if len(t.columns) == 2
    )
    assert any("nucleus" in list(t.iloc[:, 0]) for t in card_tables)
    at.select_slider(key="lab_steps").set_value(5)
    at.select_slider(key="lab_batch").set_value(4)
    at.run()
    train_until_done(at, timeout=300)
    assert not at.exception
    assert any("Training finished" in s.value for s in at.success)
    assert any("Majority-class baseline" in c.value for c in at.caption)
    table = next(d.value for d in at.dataframe if d.value.columns[0] == "Run")
    assert len(table) == 3  # LoRA, full, head


def test_the_project_checkpoint_is_labelled_in_chinese(real_data, open_page) -> None:
    at = open_page(LAB, lang="zh")
    options = at.radio(key="lab_weights").options
    assert any("由本项目在 12,345 个 token 上预训练" in o and "不是官方" in o for o in options)
    assert not any("pretrained by" in o for o in options)


def test_mlm_tab_scores_random_and_the_project_checkpoint(real_data, open_page) -> None:
    at = show_tab(open_page(LAB, lang="en"), "mlm")
    weights = at.radio(key="lab_weights")
    assert any("pretrained by this project on 12,345 tokens" in o for o in weights.options)
    assert not any("official" in o and "not" not in o for o in weights.options)
    weights.set_value("project").run()
    assert not at.exception and not at.error
    (prompt,) = [as_read(i.value) for i in at.info if "Evaluate" in i.value]
    assert "pretrained checkpoint from …/project" in prompt and str(real_data) not in prompt
    at.button(key="lab_mlm_go").click().run(timeout=240)
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    table = next(d.value for d in at.dataframe if d.value.columns[0] == "Measure")
    assert list(table.columns) == ["Measure", "Random weights", "Current weights"]
    ppl = table.set_index("Measure").loc["Perplexity"]
    assert all(1 < float(p) < 100 for p in ppl)
    # which weights each column holds, as text (escaped Markdown) and without the server's folders
    notes = [as_read(c.value) for c in at.caption]
    notes = [n for n in notes if n.startswith(("Random weights:", "Current weights:"))]
    assert notes[0] == "Random weights: architecture-exact, random weights (seed 0)"
    assert notes[1].startswith("Current weights: pretrained checkpoint from …/")
    assert "/checkpoints/" not in notes[1]


def test_adapted_layer_names_the_weights_without_server_folders(real_data, open_page) -> None:
    at = show_tab(open_page(LAB, lang="en"), "matched")
    at.radio(key="lab_weights").set_value("project").run()
    at.toggle(key="lab_show_layer").set_value(True).run()
    assert not at.exception and not at.error
    (facts,) = [as_read(c.value) for c in at.caption if "B all zero" in c.value]
    assert "Weights: pretrained checkpoint from …/project." in facts
    assert str(real_data) not in facts
