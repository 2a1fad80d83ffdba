"""One set of experiment ids: the bank's lab links, the schema's allowed ids and the engine's presets.

studykit must not import lora_demo (test_import_rules), so the schema keeps its own list; this test
is what keeps the three from drifting apart.
"""

from __future__ import annotations

from lora_demo import EXPERIMENTS
from studykit.bank import load_bank
from studykit.schema import LAB_EXPERIMENT_IDS


def test_schema_ids_are_the_engines_experiments() -> None:
    assert set(LAB_EXPERIMENT_IDS) == set(EXPERIMENTS)


def test_the_banks_lab_links_are_exactly_the_experiments() -> None:
    bank = load_bank()
    assert not bank.problems, bank.problems
    linked = {q.lab for q in bank.questions if q.lab is not None}
    assert linked == set(EXPERIMENTS)  # every preset is linked, every link opens a preset
