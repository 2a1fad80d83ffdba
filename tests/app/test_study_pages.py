"""Page flows of Home, Browse and Notes, on a small fixture bank and on the real one."""

from __future__ import annotations

import shutil

import pytest

from tests.support.paths import FIXTURE_BANK


@pytest.fixture
def fixture_bank(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LORA_LAB_QUESTIONS_DIR", str(FIXTURE_BANK))


def markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.usefixtures("fixture_bank")
def test_home_counts_the_bank(open_page) -> None:
    at = open_page()
    assert at.title[0].value == "LoRA 面试实验室"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"题目": "2", "追问": "1", "原文更正": "1", "来源文档": "1"}


@pytest.mark.usefixtures("fixture_bank")
def test_browse_search_open_reveal_and_switch_language(open_page) -> None:
    at = open_page("pages/browse.py")
    assert at.caption[0].value == "共 2 道题"
    at.text_input(key="browse_query").input("dropout").run()
    assert at.caption[0].value == "共 1 道题"
    assert at.radio[0].value == "f100-q02-dropout"
    assert at.subheader[0].value == "lora_dropout 作用在哪里？"
    assert "参考答案" not in markdown(at)  # hidden until revealed
    at.button(key="browse_reveal").click().run()
    text = markdown(at)
    assert "作用在 LoRA 分支的输入 x 上" in text
    assert "~~应用在 LoRA 分支的输出上~~" in text  # what the document said, struck through
    assert any("peft src/peft/tuners/lora/layer.py" in c.value for c in at.caption)
    at.session_state["lang"] = "en"
    at.run()
    assert at.subheader[0].value == "Where does lora_dropout act?"
    assert "On the LoRA branch's input x." in markdown(at)


@pytest.mark.usefixtures("fixture_bank")
def test_browse_filters_and_deep_link(open_page) -> None:
    at = open_page("pages/browse.py", query={"q": "f100-q01-init"})
    assert at.radio[0].value == "f100-q01-init"
    assert "1. 如果 A 也为零会怎样？" in [
        e.label for e in at.expander
    ]  # follow-up, answer folded away
    at.toggle(key="browse_corrected").set_value(True).run()
    (option,) = at.radio[0].options
    assert option.startswith("lora_dropout 作用在哪里？ · ")
    at.text_input(key="browse_query").input("量子计算").run()
    assert at.info[0].value.startswith("没有符合条件的题目")


@pytest.mark.usefixtures("fixture_bank")
def test_browse_unknown_deep_link_says_so(open_page) -> None:
    at = open_page("pages/browse.py", query={"q": "no-such-question"})
    assert "no-such-question" in at.info[0].value.replace("\\", "")  # shown as escaped text


@pytest.mark.usefixtures("fixture_bank")
def test_notes_mark_mistakes_and_link_to_the_answer(open_page) -> None:
    at = open_page("pages/notes.py", lang="en")
    assert at.header[0].value == "LoRA basics"
    assert ":red-background[dropout is applied to the output of the LoRA branch]" in markdown(at)
    assert "PEFT applies dropout to the LoRA branch's input." in markdown(at)


@pytest.mark.usefixtures("fixture_bank")
def test_a_note_marker_opens_the_question_with_its_answer(open_page) -> None:
    at = open_page("pages/browse.py", query={"q": "f100-q02-dropout", "reveal": "1"})
    assert "browse_hide" in {b.key for b in at.button}  # the answer is shown, not hidden
    assert "参考答案" in markdown(at)


@pytest.mark.usefixtures("fixture_bank")
def test_browse_rows_and_search_kept_across_pages(open_page) -> None:
    at = open_page("pages/browse.py", lang="en")
    at.text_input(key="browse_query").input("dropout").run()
    (radio,) = at.radio
    assert all(" · " in option for option in radio.options)
    assert any("new" in option for option in radio.options)  # status of the learner's card
    assert any(word in radio.options[0] for word in ("basic", "intermediate", "advanced"))
    at.switch_page("pages/notes.py").run()
    at.switch_page("pages/browse.py").run()
    assert not at.exception
    assert at.text_input(key="browse_query").value == "dropout"


def test_a_bad_file_is_reported_and_the_good_ones_are_served(
    open_page, tmp_path, monkeypatch
) -> None:
    shutil.copytree(FIXTURE_BANK, tmp_path / "bank")
    (tmp_path / "bank" / "200_broken.yaml").write_text(
        "schema_version: 1\nquestions: [\n", encoding="utf-8"
    )
    monkeypatch.setenv("LORA_LAB_QUESTIONS_DIR", str(tmp_path / "bank"))
    at = open_page("pages/browse.py", lang="en")
    assert "1 question file(s) failed validation" in at.warning[0].value
    assert "200_broken.yaml:3" in at.warning[0].value.replace("\\", "")  # escaped as text
    assert at.caption[0].value == "2 question(s)"


def test_every_page_opens_on_the_real_bank(open_page) -> None:
    for lang in ("zh", "en"):
        for page in ("pages/home.py", "pages/browse.py", "pages/notes.py"):
            at = open_page(page, lang=lang)
            assert at.title, page
            assert not at.warning, [w.value for w in at.warning]
