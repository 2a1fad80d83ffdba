"""Study-note errata marks, and the UI string catalogs of both languages."""

from __future__ import annotations

import re
from pathlib import Path

from studykit.bank import load_bank
from studykit.i18n import LANGUAGES, catalog, normalize_lang, translate
from studykit.notes import mark_note

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "bank"


def test_marks_are_highlighted_where_they_occur_in_each_language() -> None:
    (section,) = load_bank(FIXTURES).files[0].notes
    zh = mark_note(section, "zh")
    link = "(browse?q=f100-q02-dropout&reveal=1)"  # the marker opens the answer, revealed
    assert f":red-background[dropout 应用在 LoRA 分支的输出上] [**⚠️1**]{link}" in zh.body
    assert [(n, m.question) for n, m in zh.marks] == [(1, "f100-q02-dropout")]
    en = mark_note(section, "en")
    assert f"the LoRA branch] [**⚠️1**]{link}" in en.body


def test_every_locale_has_the_same_keys() -> None:
    zh, en = catalog("zh"), catalog("en")
    assert sorted(set(zh) - set(en)) == [], "keys missing in English"
    assert sorted(set(en) - set(zh)) == [], "keys missing in Chinese"
    assert all(value.strip() for value in [*zh.values(), *en.values()]), "empty UI string"


def test_every_key_used_in_code_exists() -> None:
    used: set[str] = set()
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("studykit/**/*.py")]:
        used |= set(
            re.findall(
                r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""", path.read_text(encoding="utf-8")
            )
        )
    for lang in LANGUAGES:
        missing = sorted(key for key in used if key not in catalog(lang))
        assert missing == [], f"{lang}: {missing}"


def test_translate_fills_placeholders_and_falls_back() -> None:
    assert translate("browse.results", "en", n=3) == "3 question(s)"
    assert translate("no.such.key", "en") == "no.such.key"
    assert normalize_lang("en-US") == "en"
    assert normalize_lang(None) == "zh"
    assert normalize_lang("fr") == "zh"
