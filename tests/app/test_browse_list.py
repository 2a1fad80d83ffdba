"""Browse's question list opens at the page of the selected question (Streamlit cannot scroll a row
into view), and the selection stays while the learner looks at other pages. Real bank (89 questions)."""

from __future__ import annotations

from studykit.bank import load_bank
from ui.browse_list import PAGE_SIZE


def _pages(at):
    (picker,) = [g for g in at.selectbox if g.key and g.key.startswith("browse_page_")]
    return picker


def _ids() -> list[str]:
    return [q.id for q in load_bank().questions]


def test_a_deep_link_opens_the_page_holding_the_question(open_page) -> None:
    ids = _ids()
    target = ids[5 * PAGE_SIZE + 3]  # on the sixth page
    at = open_page("pages/browse.py", lang="zh", query={"q": target})
    (radio,) = at.radio
    assert radio.value == target and len(radio.options) == PAGE_SIZE
    pages = _pages(at)
    assert pages.value == 5
    assert pages.options[5] == f"第 {5 * PAGE_SIZE + 1}–{6 * PAGE_SIZE} 题"
    assert any(c.value == f"共 {len(ids)} 道题" for c in at.caption)

    pages.select(0).run()  # look at the first page: nothing there is selected
    (radio,) = at.radio
    assert radio.value is None
    title = load_bank().by_id()[target].question.get("zh")
    assert at.subheader[0].value == title  # the open question stays open
    assert at.query_params["q"] == [target]

    at.radio[0].set_value(ids[2]).run()  # a pick on that page opens it, and its page stays
    assert at.radio[0].value == ids[2] and _pages(at).value == 0
    assert at.query_params["q"] == [ids[2]]


def test_back_from_another_page_returns_to_the_selected_row(open_page) -> None:
    ids = _ids()
    at = open_page("pages/browse.py", lang="zh", query={"q": ids[-1]})
    assert at.radio[0].value == ids[-1]
    at.switch_page("pages/notes.py").run()
    at.switch_page("pages/browse.py").run()
    assert at.radio[0].value == ids[-1]
    assert _pages(at).value == (len(ids) - 1) // PAGE_SIZE
