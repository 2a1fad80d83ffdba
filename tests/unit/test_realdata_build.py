"""The real-data pipeline on a tiny BLAST database made here with makeblastdb (needs ncbi-blast+
and mmseqs2, which CI installs): export, GO labels, MMseqs2 clusters, split, subsets, data card,
then training on the built task through the CLI."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from lora_demo.cli import main
from lora_demo.errors import TaskFileError
from lora_demo.real_tasks import load_real_task, majority_baseline
from lora_demo.realdata.build import build
from lora_demo.realdata.clusters import leakage_check
from lora_demo.realdata.go_labels import load_graph, localization_label
from lora_demo.realdata.source import DataBuildError, parse_line, require_tools
from tests.support.metastudent import make_metastudent

HAVE_TOOLS = all(shutil.which(t) for t in ("makeblastdb", "blastdbcmd", "mmseqs"))
needs_tools = pytest.mark.skipif(
    not HAVE_TOOLS and not os.environ.get("CI"),
    reason="ncbi-blast+ and mmseqs2 are not installed (apt-get install -y ncbi-blast+ mmseqs2)",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict]:
    if not HAVE_TOOLS:
        pytest.fail("CI must install ncbi-blast+ and mmseqs2 (.ci/run)")
    src = make_metastudent(tmp_path_factory.mktemp("metastudent"))
    root = tmp_path_factory.mktemp("data")
    return root, build(root, src)


def test_parse_line_reads_accession_terms_and_sequence():
    rec = parse_line("C6DJ78|GO:0005737,GO:0005737,GO:0005829|MSENQQ\n")
    assert rec.accession == "C6DJ78"
    assert rec.terms == ("GO:0005737", "GO:0005829")
    assert rec.sequence == "MSENQQ"
    assert parse_line("garbage") is None


@needs_tools
def test_build_labels_splits_by_cluster_and_writes_a_data_card(built):
    root, summary = built
    assert summary["proteins"] == 288 and summary["clusters"] == 72  # one cluster per family
    card = summary["tasks"]["localization"]
    assert set(card["classes"]) == {
        "nucleus", "cytoplasm", "mitochondrion", "endoplasmic reticulum", "plasma membrane",
        "extracellular",
    }  # fmt: skip
    # 8 families carry a conflicting second class on one member: left out as ambiguous
    assert card["left_out_no_or_ambiguous_label"] == 8
    assert card["labelled"] == 280
    rows = [
        line.split("\t")
        for line in (root / "tasks/localization/labels.tsv").read_text().splitlines()[1:]
    ]
    split_of_cluster = {}
    for acc, label, _, cluster, split in rows:
        assert split_of_cluster.setdefault(cluster, split) == split  # a cluster never straddles
        assert cluster[:4] == acc[:4]  # members of one family share a cluster
        if acc.startswith(("T002", "T008")):  # mitochondrial matrix families -> mitochondrion
            assert label == "mitochondrion"
    assert {"train", "val"} <= set(split_of_cluster.values())
    small = card["subsets"]["small"]
    assert small["leakage"]["val_with_hit_over_30"] == 0
    assert small["leakage"]["val_proteins"] == sum(small["val"].values())
    text = (root / "tasks/localization/DATA_CARD.md").read_text()
    for needle in ("GPL-2+", "CC BY 4.0", "| nucleus |", "Length histogram", "leakage check"):
        assert needle in text
    enzyme = summary["tasks"]["enzyme"]
    assert set(enzyme["class_counts"]["train"]) == {"enzyme", "not enzyme"}


@needs_tools
def test_built_task_trains_through_the_cli_with_a_majority_baseline(built, monkeypatch, capsys):
    root, _ = built
    monkeypatch.setenv("LORA_LAB_DATA_DIR", str(root))
    task = load_real_task("localization")
    assert task.num_labels == 6 and task.kind == "seq"
    _, baseline = majority_baseline(task)
    assert 0 <= baseline < 1
    code = main(["train", "--task", "localization", "--mode", "lora,full,head", "--steps", "2",
                 "--batch-size", "4", "--eval-every", "2", "--json"])  # fmt: skip
    assert code == 0
    captured = capsys.readouterr()
    steps = [json.loads(x) for x in captured.out.splitlines()]
    assert [(s["mode"], s["step"]) for s in steps] == [
        (m, i) for m in ("lora", "full", "head") for i in (1, 2)
    ]
    assert all(s["majority_baseline"] == pytest.approx(baseline) for s in steps)
    summary = json.loads(captured.err.strip().splitlines()[-1])
    assert summary["task"] == "localization"
    assert set(summary["val_accuracy"]) == {"lora", "full", "head"}
    assert summary["majority_baseline_accuracy"] == pytest.approx(baseline)


@needs_tools
def test_leakage_check_finds_a_planted_homologue(tmp_path):
    base = "MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQAPILSRVGDGTQDNLSGAEKAVQVKVKALPDAQ"
    close = base[:30] + "W" + base[31:]
    other = "GSHMLEDPVDAFQRRLEEAIKNGDYVKAAELLRRAVEEAKRLGNPELIKLAEEALRR"
    rep = leakage_check([("v1", close), ("v2", other)], [("t1", base)])
    assert rep.val_with_hit_over_30 == 1 and rep.max_identity > 0.9


def test_missing_programs_and_missing_data_say_how_to_install(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(DataBuildError, match=r"apt-get install -y ncbi-blast\+ mmseqs2"):
        require_tools()
    monkeypatch.undo()
    if HAVE_TOOLS:
        code = main(
            ["data", "build", "--data-dir", str(tmp_path), "--source-dir", str(tmp_path / "no")]
        )
        assert code == 2
        assert "apt-get install -y metastudent-data" in capsys.readouterr().err
    monkeypatch.setenv("LORA_LAB_DATA_DIR", str(tmp_path))
    with pytest.raises(TaskFileError, match="python -m lora_demo data build"):
        load_real_task("localization")


@needs_tools
def test_a_corrupt_database_is_reported_not_a_traceback(tmp_path, capsys):
    src = make_metastudent(tmp_path / "src", families=6)
    (src / "CCO" / "goasp.fasta.psq").write_bytes(b"\x00garbage")
    (src / "CCO" / "goasp.fasta.pin").write_bytes(b"\x00garbage")
    code = main(["data", "build", "--data-dir", str(tmp_path / "d"), "--source-dir", str(src)])
    assert code == 2
    err = capsys.readouterr().err
    assert "corrupt" in err and "Traceback" not in err


@needs_tools
def test_go_ancestry_prefers_the_specific_compartment(tmp_path):
    make_metastudent(tmp_path, families=1)  # only the GO files matter here
    graph = load_graph(tmp_path)
    assert localization_label(["GO:0005759"], graph) == "mitochondrion"  # not cytoplasm
    assert localization_label(["GO:0005829"], graph) == "cytoplasm"
    assert localization_label(["GO:0005829", "GO:0005730"], graph) is None  # ambiguous
    assert localization_label(["GO:0016021"], graph) is None  # no class
