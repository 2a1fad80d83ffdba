"""Two Lab sessions with different settings never see each other's adapters, and the shared cached
base model (get_peft_model mutates in place) is exactly as it was afterwards."""

from __future__ import annotations

import pytest
import torch

from lora_demo import cached_base
from tests.support.lab_tabs import show_tab

pytestmark = pytest.mark.filterwarnings("ignore")
LAB = "pages/lab.py"


def _lora_ranks(model) -> set[int]:
    return {p.shape[0] for n, p in model.named_parameters() if "lora_A" in n}


def _has_key_adapter(model) -> bool:
    return any("attention.self.key.lora_A" in n for n, _ in model.named_parameters())


def test_sessions_are_isolated_and_the_cached_base_is_untouched(open_page) -> None:
    base = cached_base("esm2_t6_8M", "seq", 2).model
    before = {k: v.detach().clone() for k, v in base.state_dict().items()}

    a = show_tab(open_page(LAB, lang="en"), "matched")
    a.slider(key="lab_r").set_value(4)
    a.toggle(key="lab_show_layer").set_value(True).run()
    b = show_tab(open_page(LAB, lang="zh"), "matched")
    b.slider(key="lab_r").set_value(16)
    b.checkbox(key="lab_t_key").check()
    b.toggle(key="lab_show_layer").set_value(True).run()
    show_tab(b, "merge").button(key="lab_merge_run").click().run()  # merges its own copies
    a.run()
    assert not a.exception and not b.exception

    model_a = a.session_state["lab_session_peft"][1]
    model_b = b.session_state["lab_session_peft"][1]
    assert model_a is not model_b
    assert model_a.peft_config["default"].r == 4 and _lora_ranks(model_a) == {4}
    assert model_b.peft_config["default"].r == 16 and _lora_ranks(model_b) == {16}
    assert _has_key_adapter(model_b) and not _has_key_adapter(model_a)
    ptrs_a = {p.data_ptr() for p in model_a.parameters()}
    ptrs_b = {p.data_ptr() for p in model_b.parameters()}
    ptrs_base = {p.data_ptr() for p in base.parameters()}
    assert not ptrs_a & ptrs_b and not ptrs_a & ptrs_base and not ptrs_b & ptrs_base

    # The cached base: same object, no LoRA layers injected, every weight bit-for-bit unchanged.
    assert cached_base("esm2_t6_8M", "seq", 2).model is base
    assert not any("lora" in name for name, _ in base.named_modules())
    after = base.state_dict()
    assert before.keys() == after.keys()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert all(not p.requires_grad for p in base.parameters())
