"""The Lab page under AppTest: exact counts, matched modules, merge cases, a 5-step run, experiments."""

from __future__ import annotations

import base64
import json
import shutil
from xml.etree import ElementTree

import pytest

from tests.support.lab_tabs import show_tab, train_until_done
from tests.support.read_text import as_read
from ui.lab.params_panel import TABLE_OPEN

pytestmark = pytest.mark.filterwarnings("ignore")
LAB = "pages/lab.py"
# esm2_t6_8M, seq head, query + value on 6 layers: r·(320+320)·2·6 + the head copy (103,362).
COUNTS = {8: "164,802", 16: "226,242", 1: "111,042"}


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _charts(at) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def _sweep(at) -> ElementTree.Element:
    """The r-sweep chart: an SVG picture (data URL) under the Parameters tab."""
    url = next(el.proto.imgs[0].url for el in at.get("image"))
    head, data = url.split(",", 1)
    assert head == "data:image/svg+xml;base64"
    return ElementTree.fromstring(base64.b64decode(data))


def test_change_r_reads_the_exact_count(open_page) -> None:
    at = open_page(LAB, lang="en")
    assert _metric(at, "Trainable parameters") == COUNTS[8]
    assert _metric(at, "Total parameters") == "7,677,245"
    assert any("Closed form equals PEFT exactly" in s.value for s in at.success)
    assert any("trainable params: 164,802" in c.value for c in at.code)
    for r in (16, 1):
        at.slider(key="lab_r").set_value(r).run()
        assert not at.exception
        assert _metric(at, "Trainable parameters") == COUNTS[r]
    at.toggle(key="lab_rslora").set_value(True).run()
    assert _metric(at, "Effective scale α/√r") == "16"  # alpha 16 / sqrt(1)
    lines = _sweep(at).findall("{http://www.w3.org/2000/svg}polyline")
    assert [line.get("data-size") for line in lines] == ["8M", "35M", "150M", "650M", "3B", "15B"]
    assert [line.get("stroke-width") for line in lines] == ["5", "2", "2", "2", "2", "2"]  # 8M
    assert all(len(line.get("points").split()) == 7 for line in lines)  # r = 1 ... 64
    assert any("current r = 1 is above" in c.value for c in at.caption)


def _breakdown(at):
    """The per-module table's expander (an expander with an icon is a Status in AppTest)."""
    return next(e for e in at.status if e.label.startswith("Per-module breakdown"))


def test_per_module_breakdown_adds_up_to_the_count(open_page) -> None:
    at = open_page(LAB, lang="en")
    assert not _breakdown(at).dataframe  # closed: the table is not drawn
    at.session_state[TABLE_OPEN] = True  # the user opens it
    at.slider(key="lab_r").set_value(16).run()
    box = _breakdown(at)
    table = box.dataframe[0].value
    assert box.label == f"Per-module breakdown ({len(table)} rows)"
    lora = table[table["Kind"] == "lora"]
    assert len(lora) == 12  # query and value in each of the 6 layers
    assert set(lora["A"]) == {"16×320"} and set(lora["B"]) == {"320×16"}
    assert f"{table['Parameters'].sum():,}" == COUNTS[16]  # the rows add up to PEFT's count
    show_tab(at, "matched")
    show_tab(at, "params")
    assert _breakdown(at).dataframe  # still open after a visit to another tab


def test_large_size_counts_only_and_bad_input_is_a_message(open_page) -> None:
    at = open_page(LAB, lang="zh")
    at.selectbox(key="lab_model").set_value("esm2_t48_15B").run()
    assert _metric(at, "可训练参数") == "34,094,082"
    show_tab(at, "train")
    infos = " ".join(i.value for i in at.info)
    assert "只对 8M 和 35M 开放" in infos  # training is disabled, with the reason
    show_tab(at, "params")
    at.selectbox(key="lab_model").set_value("esm2_t6_8M").run()
    at.checkbox(key="lab_t_query").uncheck()
    at.checkbox(key="lab_t_value").uncheck().run()
    assert not at.exception
    assert any("设置无效" in e.value for e in at.error)
    at.text_input(key="lab_extra").set_value("no_such_module").run()
    assert not at.exception
    assert any("no_such_module" in as_read(e.value) for e in at.error)
    at.text_input(key="lab_extra").set_value("(unclosed").run()
    assert not at.exception and at.error


def test_weights_local_folder_shows_provenance_and_bad_path_is_a_message(
    open_page, tmp_path, monkeypatch
) -> None:
    """Folders are picked by name under LORA_LAB_MODELS_DIR; the server path is never shown."""
    from tests.support.lora import make_checkpoint

    models = tmp_path / "models"
    folder = models / "esm2_t6_8M_ckpt"
    make_checkpoint(folder)  # a real checkpoint folder: config.json + model.safetensors
    (models / "not-a-checkpoint").mkdir()
    monkeypatch.setenv("LORA_LAB_MODELS_DIR", str(models))
    at = open_page(LAB, lang="en")
    assert any("Weights are random" in i.value and "seed 0" in i.value for i in at.info)
    at.radio(key="lab_weights").set_value("folder").run()
    assert not at.exception
    assert any("pick a checkpoint folder" in e.value for e in at.error)
    assert at.selectbox(key="lab_weights_path").options == ["esm2_t6_8M_ckpt"]
    import lora_demo.sources

    checks: list[object] = []  # the source is decided (config.json read) once per rerun
    check = lora_demo.sources.check_folder_config
    monkeypatch.setattr(
        lora_demo.sources, "check_folder_config", lambda *a: checks.append(a) or check(*a)
    )
    at.selectbox(key="lab_weights_path").set_value("esm2_t6_8M_ckpt").run()
    assert not at.exception and not at.error
    assert len(checks) == 1
    note = as_read(" ".join(s.value for s in at.success))
    assert (
        "pretrained checkpoint from models/esm2_t6_8M_ckpt" in note
        and "config.json matches" in note
    )
    assert str(tmp_path) not in note
    assert _metric(at, "Trainable parameters") == COUNTS[8]
    assert _metric(at, "Total parameters") == "7,677,245"
    shutil.rmtree(folder)  # gone since the page was drawn: refused like any unknown name
    at.run()
    assert not at.exception
    assert any("pick a checkpoint folder" in e.value for e in at.error)
    assert not any(m.label == "Trainable parameters" for m in at.metric)
    at.radio(key="lab_weights").set_value("random").run()
    assert not at.exception and _metric(at, "Trainable parameters") == COUNTS[8]


@pytest.mark.parametrize("setting", [{"LORA_LAB_SHARED": "1"}, {}])
def test_local_folder_is_offered_only_with_a_models_dir_and_not_when_shared(
    open_page, tmp_path, monkeypatch, setting: dict
) -> None:
    monkeypatch.setenv("LORA_LAB_MODELS_DIR", str(tmp_path))
    monkeypatch.delenv("LORA_LAB_SHARED", raising=False)
    for key, value in setting.items():
        monkeypatch.setenv(key, value)
    if not setting:
        monkeypatch.delenv("LORA_LAB_MODELS_DIR")
    # The shipped project checkpoint is a choice of its own (tests/app/test_lab_real_data.py).
    monkeypatch.setattr("lora_demo.project_checkpoint.PROJECT_DIR", tmp_path / "no-project")
    at = open_page(LAB, lang="en")
    assert at.radio(key="lab_weights").options == ["Random (offline default)", "Hugging Face cache"]


def test_matched_modules_show_the_dense_pitfall(open_page) -> None:
    at = open_page(LAB, lang="en")
    at.text_input(key="lab_extra").set_value("dense")
    at.toggle(key="lab_no_task").set_value(True).run()
    show_tab(at, "matched")
    warnings = as_read(" ".join(w.value for w in at.warning))
    assert "'dense' also matched the head" in warnings
    assert "classifier.dense" in warnings
    table = next(d.value for d in at.dataframe if d.value.columns[0] == "target_modules entry")
    assert "dense" in set(table.iloc[:, 0])


def test_merge_check_and_the_misleading_b_zero_case(open_page) -> None:
    at = show_tab(open_page(LAB, lang="en"), "merge")
    at.button(key="lab_merge_run").click().run()
    assert not at.exception
    assert any("All three merges are within 1e-5" in s.value for s in at.success)
    at.toggle(key="lab_merge_zero_b").set_value(True).run()
    assert not at.exception
    assert any("proves nothing" in w.value for w in at.warning)
    assert _metric(at, "Adapter vs base float32") == "0"


def test_five_step_training_draws_a_curve_with_five_points(open_page) -> None:
    at = show_tab(open_page(LAB, lang="en"), "train")
    at.select_slider(key="lab_steps").set_value(5)
    at.select_slider(key="lab_batch").set_value(4)
    at.text_input(key="lab_runs").set_value("4:8")
    at.checkbox(key="lab_run_full").uncheck()
    at.checkbox(key="lab_run_head").uncheck().run()
    train_until_done(at, timeout=240)
    assert not at.exception
    assert any("Training finished" in s.value for s in at.success)
    curve = next(c for c in _charts(at) if c["data"] and c["data"][0]["name"] == "LoRA r=4 α=8")
    assert curve["data"][0]["x"] == [1, 2, 3, 4, 5]
    assert len(curve["data"][0]["y"]) == 5
    table = next(d.value for d in at.dataframe if d.value.columns[0] == "Run")
    assert len(table) == 1
    assert table.iloc[0, 0] == "LoRA r=4 α=8" and table.iloc[0, 2] == "5/5"


def test_bad_upload_is_a_clear_message(open_page) -> None:
    at = show_tab(open_page(LAB, lang="en"), "train")
    at.radio(key="lab_task").set_value("upload").run()
    at.get("file_uploader")[0].upload("bad.csv", b"\xff\xfe not a csv", "text/csv").run()
    at.button(key="lab_train_go").click().run()
    assert not at.exception
    assert any("This file cannot be used" in e.value for e in at.error)


def test_an_uploaded_file_survives_a_look_at_another_tab(open_page) -> None:
    at = show_tab(open_page(LAB, lang="en"), "train")
    at.radio(key="lab_task").set_value("upload").run()
    csv = b"sequence,label\nMKTAYIAK,1\nDDEEGGAA,0\nKKRRLLVV,1\nEEDDSSTT,0\nMKKLLA,1\n"
    at.get("file_uploader")[0].upload("my<b>set</b>.csv", csv, "text/csv").run()
    show_tab(at, "params")
    show_tab(at, "train")  # the uploader is drawn anew, empty
    assert any("Limits: at most 1 MB" in c.value for c in at.caption)
    kept = [c.value for c in at.caption if "Using the file you chose before" in c.value]
    assert kept and "<b>" not in kept[0]  # the name is shown as text
    at.select_slider(key="lab_steps").set_value(5)
    at.checkbox(key="lab_run_full").uncheck()
    at.checkbox(key="lab_run_head").uncheck().run()
    train_until_done(at)
    assert not at.exception
    assert not any("Upload a CSV or FASTA file first" in i.value for i in at.info)
    assert any("Training finished" in s.value and "set" in s.value for s in at.success)


def test_experiment_opens_by_query_parameter(open_page) -> None:
    at = open_page(LAB, lang="en", query={"exp": "dense-matches-head"})
    assert at.text_input(key="lab_extra").value == "dense"
    assert at.toggle(key="lab_no_task").value is True
    assert [at.checkbox(key=f"lab_t_{p}").value for p in ("query", "key", "value")] == [True] * 3
    assert any("'dense' matches the head" in m.value for m in at.markdown)
    assert any("'dense' also matched the head" in as_read(w.value) for w in at.warning)
    links = [el.proto for el in at.get("page_link") if el.proto.page == "browse"]
    assert links, "the bank's questions with lab: dense-matches-head link to Browse"
    assert all(link.query_string.startswith("q=") for link in links)


def test_probe_experiment_and_unknown_id(open_page) -> None:
    at = open_page(LAB, lang="zh", query={"exp": "dropout-placement"})
    assert at.slider(key="lab_dropout").value == 0.5
    zero = float(_metric(at, "LoRA 输入为 0 的比例（训练）"))
    assert 0.4 < zero < 0.6
    assert _metric(at, "基座输入为 0 的比例（训练）") == "0.000"
    at = open_page(LAB, lang="en", query={"exp": "no-such-experiment"})
    assert any("no-such-experiment" in as_read(w.value) for w in at.warning)


def test_every_experiment_opens_cleanly(open_page) -> None:
    from lora_demo import EXPERIMENTS

    at = open_page(LAB, lang="zh")
    for exp_id, exp in EXPERIMENTS.items():
        at.query_params["exp"] = exp_id
        at.run(timeout=180)
        assert not at.exception, (exp_id, [e.value for e in at.exception])
        assert not at.error, (exp_id, [e.value for e in at.error])
        assert at.selectbox(key="lab_model").value == exp.settings["model"]
        assert any(exp.title_zh in m.value for m in at.markdown), exp_id


def _panel_errors() -> None:
    import torch

    from lora_demo import LoraSettingsError, TaskFileError
    from ui.lab.common import guarded

    with guarded("OOM"):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2 GiB")
    with guarded("settings"):
        raise LoraSettingsError("r", "rank r must be a whole number >= 1 (got 0)")
    with guarded("upload"):
        raise TaskFileError("line 3: 'J' is not an ESM residue letter")
    with guarded("anything"):
        raise RuntimeError("internal detail that must stay in the server log")
    with guarded("Training"):
        from lora_demo.background import TrainingProcessDied

        raise TrainingProcessDied(-9)  # the training's own process was killed (e.g. OOM killer)


def test_errors_become_clear_messages_never_tracebacks() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_panel_errors, default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    texts = [e.value for e in at.error]
    assert len(texts) == 5
    assert "out of memory" in texts[0] and "Lower the batch size" in texts[0]
    assert "Invalid setting (r)" in texts[1]
    assert "'J' is not an ESM residue letter" in texts[2]
    assert "RuntimeError" in texts[3] and "internal detail" not in texts[3]
    assert texts[4].startswith("Training: the training process ended unexpectedly (exit code -9)")
    assert "Lower the batch size" in texts[4]
