"""Static guard: nothing a user supplies is rendered as raw HTML, unpickled or executed.

Walks the syntax tree of every application module (app.py, pages/, studykit/, lora_demo/, bench/)
and fails on the calls that would turn user data into HTML or code, and checks the upload limits.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from lora_demo import TaskFileError, load_user_task
from lora_demo.user_tasks import MAX_FILE_BYTES
from studykit.progress_io import MAX_IMPORT_BYTES, ImportRefused, parse_progress

ROOT = Path(__file__).resolve().parents[2]
APP_CODE = ["app.py", "pages", "studykit", "lora_demo", "bench"]
UPLOAD_LIMIT_MB = 2

# module.function calls that deserialize or execute data: always refused
UNSAFE_CALLS = {
    ("pickle", "load"), ("pickle", "loads"), ("cPickle", "load"), ("cPickle", "loads"),
    ("dill", "load"), ("dill", "loads"), ("joblib", "load"), ("marshal", "load"),
    ("marshal", "loads"), ("shelve", "open"), ("yaml", "unsafe_load"), ("yaml", "full_load"),
    ("os", "system"), ("os", "popen"), ("st", "html"), ("components", "html"),
    ("v1", "html"), ("pd", "read_pickle"), ("pandas", "read_pickle"),
}  # fmt: skip
SAFE_YAML_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader"}


def _files() -> Iterator[Path]:
    for entry in APP_CODE:
        path = ROOT / entry
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(p for p in path.rglob("*.py") if ".venv" not in p.parts)


def _dotted(node: ast.AST) -> tuple[str, str] | None:
    """('module', 'attr') for `module.attr(...)` / `a.module.attr(...)`; ('', name) for `name(...)`."""
    if isinstance(node, ast.Attribute):
        base = node.value
        owner = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "<expr>")
        return owner, node.attr
    if isinstance(node, ast.Name):
        return "", node.id
    return None


def _kw(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _safe_loaders(tree: ast.Module) -> set[str]:
    """Classes in the module that derive from a safe YAML loader (plus the safe loaders)."""
    names = set(SAFE_YAML_LOADERS)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            bases = {(_dotted(b) or ("", ""))[1] for b in node.bases}
            if bases & names:
                names.add(node.name)
    return names


def _problems(path: Path, root: Path = ROOT) -> list[str]:
    """Every unsafe call in one module, as `file:line: why`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    loaders = _safe_loaders(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        where = f"{path.relative_to(root)}:{node.lineno}"
        name = _dotted(node.func)
        if _is_true(_kw(node, "unsafe_allow_html")):
            found.append(f"{where}: unsafe_allow_html=True renders raw HTML")
        if _is_true(_kw(node, "trust_remote_code")):
            found.append(f"{where}: trust_remote_code=True executes downloaded code")
        if _is_true(_kw(node, "allow_pickle")):
            found.append(f"{where}: allow_pickle=True unpickles data")
        if _is_true(_kw(node, "shell")):
            found.append(f"{where}: shell=True runs a shell command line")
        if name is None:
            continue
        if name in UNSAFE_CALLS:
            found.append(f"{where}: {'.'.join(name)}() deserializes or executes data")
        elif name in {("", "eval"), ("", "exec"), ("builtins", "eval"), ("builtins", "exec")}:
            found.append(f"{where}: {name[1]}() executes a string as code")
        elif name == ("torch", "load") and not _is_true(_kw(node, "weights_only")):
            found.append(f"{where}: torch.load() without weights_only=True unpickles")
        elif name == ("yaml", "load"):
            loader = _kw(node, "Loader")
            loader_name = (_dotted(loader) or ("", ""))[1] if loader is not None else ""
            if loader_name not in loaders:
                found.append(f"{where}: yaml.load() without a SafeLoader")
    return found


def test_application_code_never_renders_raw_html_unpickles_or_executes() -> None:
    files = list(_files())
    assert len(files) > 20, "the scan found too few modules; did the layout change?"
    problems = [problem for path in files for problem in _problems(path)]
    assert not problems, "\n".join(problems)


def test_the_scan_catches_what_it_should(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import pickle, torch, yaml, streamlit as st\n"
        "st.markdown(x, unsafe_allow_html=True)\n"
        "pickle.loads(b)\n"
        "torch.load(f)\n"
        "torch.load(f, weights_only=False)\n"
        "yaml.load(s, Loader=yaml.Loader)\n"
        "eval(code)\n"
        "m.from_pretrained(p, trust_remote_code=True)\n"
        "st.html(s)\n"
        "model.eval()\n"  # fine: a method, not the builtin
        "load(p).eval()\n"  # fine
        "torch.load(f, weights_only=True)\n"  # fine
        "yaml.load(s, Loader=yaml.SafeLoader)\n",  # fine
        encoding="utf-8",
    )
    problems = _problems(bad, root=tmp_path)
    assert len(problems) == 8, problems


def test_upload_limits_are_set_and_enforced() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] <= UPLOAD_LIMIT_MB  # MB, for every st.file_uploader
    assert MAX_FILE_BYTES <= UPLOAD_LIMIT_MB * 1_000_000
    assert MAX_IMPORT_BYTES <= UPLOAD_LIMIT_MB * 1_000_000
    huge = b"sequence,label\n" + b"ACDEFGHIKL,1\n" * (MAX_FILE_BYTES // 10)
    with pytest.raises(TaskFileError, match="limit"):
        load_user_task(huge, "huge.csv")
    with pytest.raises(ImportRefused, match="too large"):
        parse_progress(b" " * (MAX_IMPORT_BYTES + 1))


def test_every_file_uploader_stays_within_the_limit() -> None:
    for path in _files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and (_dotted(node.func) or ("", ""))[1] == "file_uploader"
            ):
                size = _kw(node, "max_upload_size")
                if size is not None and isinstance(size, ast.Constant):
                    assert size.value <= UPLOAD_LIMIT_MB, f"{path}:{node.lineno}"
