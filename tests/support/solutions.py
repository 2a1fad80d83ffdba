"""Import a reference solution from questions/solutions/ by file name (they are scripts, not a package)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SOLUTIONS = Path(__file__).resolve().parents[2] / "questions" / "solutions"


def load_solution(name: str) -> ModuleType:
    """The module `questions/solutions/<name>.py`, imported once (solutions may import each other)."""
    if name in sys.modules:
        return sys.modules[name]
    if str(SOLUTIONS) not in sys.path:
        sys.path.insert(0, str(SOLUTIONS))
    spec = importlib.util.spec_from_file_location(name, SOLUTIONS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
