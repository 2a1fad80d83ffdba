"""Entry point for ``bench/gpu_run.sh``: ``python -m lora_demo pretrain`` that survives without PEFT.

Pretraining needs only torch + transformers. If ``peft`` (or one of its dependencies) cannot be
imported on the rented machine, the package's ``__init__`` (which imports PEFT) is bypassed so the
pretraining still runs; the LoRA benchmark after it will then report the import error itself.
"""

from __future__ import annotations

import argparse
import os
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

try:
    import peft  # noqa: F401
except Exception as exc:
    print(
        f"gpu_pretrain: peft unavailable ({type(exc).__name__}: {exc}); bypassing "
        "lora_demo/__init__ for pretraining",
        file=sys.stderr,
    )
    pkg = types.ModuleType("lora_demo")
    pkg.__path__ = [str(ROOT / "lora_demo")]
    sys.modules["lora_demo"] = pkg

from lora_demo import cli_pretrain  # noqa: E402
from lora_demo.mlm import SequenceFileError  # noqa: E402
from lora_demo.pretrain import PretrainError  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gpu_pretrain.py")
    cli_pretrain.add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        cli_pretrain.COMMANDS[args.command](args)
    except (SequenceFileError, PretrainError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
