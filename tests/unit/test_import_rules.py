"""The layers import one way: pages -> ui -> {studykit, lora_demo}; the study core and the engine stay pure."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# package -> top-level modules it must never import
FORBIDDEN = {
    "studykit": {"streamlit", "torch", "transformers", "peft", "lora_demo", "ui", "pages"},
    "lora_demo": {"streamlit", "studykit", "ui", "pages"},
    "ui": {"pages"},
}


def _imported_roots(path: Path) -> set[str]:
    """Top-level names a module imports anywhere in its body (functions included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", "") == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            roots.add(str(node.args[0].value).split(".")[0])
    return roots


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_what_its_layer_may(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_roots(path) & FORBIDDEN[package])
        for path in _modules(package)
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_every_streamlit_module_lives_in_ui() -> None:
    outside = [
        str(path.relative_to(ROOT))
        for package in ("studykit", "lora_demo")
        for path in _modules(package)
        if "streamlit" in _imported_roots(path)
    ]
    assert outside == []
    assert any("streamlit" in _imported_roots(path) for path in _modules("ui"))


def test_pages_call_into_ui_not_into_the_engine() -> None:
    """Pages stay thin: model work goes through ui/lab, never straight to torch or lora_demo."""
    direct = {
        str(path.relative_to(ROOT)): sorted(_imported_roots(path) & {"torch", "lora_demo"})
        for path in sorted((ROOT / "pages").glob("*.py"))
    }
    assert {k: v for k, v in direct.items() if v} == {}


def test_importing_the_whole_study_core_loads_neither_streamlit_nor_torch() -> None:
    """The rule at run time too: importing every studykit module pulls in no UI or torch."""
    names = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in _modules("studykit")
        if path.name != "__main__.py"
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in ('streamlit', 'torch', 'transformers', 'peft', 'lora_demo', 'ui')"
        " if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
