"""One-click download of the official ESM-2 8M / 35M checkpoints, for users with a network.

Only on an explicit request. Files go to ``<data folder>/checkpoints/<owner>--<name>/``, a plain
checkpoint folder the Weights control can use. ``$LORA_LAB_HUB_MIRROR`` (or ``mirror=``) names a
local folder laid out as ``<mirror>/<owner>/<name>/<file>``: used instead of the network (tests,
air-gapped sites). Offline (``HF_HUB_OFFLINE=1``) or unreachable hub: a clear HubDownloadError.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from .architecture import resolve_model_name
from .errors import ModelLoadError
from .realdata.source import data_dir
from .sources import check_folder_config

OFFICIAL: dict[str, str] = {
    "esm2_t6_8M": "facebook/esm2_t6_8M_UR50D",
    "esm2_t12_35M": "facebook/esm2_t12_35M_UR50D",
}
FILES = ("config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json")
OPTIONAL = frozenset({"tokenizer_config.json"})


class HubDownloadError(ModelLoadError):
    """The download could not be done; the message says why and what to do instead."""


def _offline() -> bool:
    return any(
        os.environ.get(v, "0").strip().lower() not in ("0", "", "false", "no", "off")
        for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )


def target_folder(model: str, root: Path | None = None) -> Path:
    hub_id = OFFICIAL[resolve_model_name(model).short]
    return (root or data_dir()) / "checkpoints" / hub_id.replace("/", "--")


def download_official(
    model: str,
    root: Path | None = None,
    *,
    mirror: str | Path | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> Path:
    """Fetch the official checkpoint of ``model`` (8M or 35M); returns the checked folder.

    ``on_progress(file, done_files, total_files)`` is called before and after each file.
    """
    spec = resolve_model_name(model)
    if spec.short not in OFFICIAL:
        raise HubDownloadError(
            f"only {', '.join(OFFICIAL)} can be downloaded here; larger sizes are for counting."
        )
    hub_id = OFFICIAL[spec.short]
    dest = target_folder(spec.short, root)
    tmp = dest.with_name(dest.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    mirror = mirror or os.environ.get("LORA_LAB_HUB_MIRROR") or None
    try:
        for i, name in enumerate(FILES):
            if on_progress:
                on_progress(name, i, len(FILES))
            if mirror:
                src = Path(mirror) / hub_id / name
                if not src.is_file():
                    if name in OPTIONAL:
                        continue
                    raise HubDownloadError(
                        f"the mirror {mirror} has no {hub_id}/{name}; copy the checkpoint there."
                    )
                shutil.copyfile(src, tmp / name)
            else:
                _from_hub(hub_id, name, tmp)
        if on_progress:
            on_progress("", len(FILES), len(FILES))
        check_folder_config(tmp, spec)
        shutil.rmtree(dest, ignore_errors=True)
        tmp.replace(dest)  # only a complete, checked download takes the final name
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def _from_hub(hub_id: str, name: str, folder: Path) -> None:
    if _offline():
        raise HubDownloadError(
            f"this machine is offline (HF_HUB_OFFLINE is set), so {hub_id} cannot be downloaded. "
            f"On a machine with internet run `huggingface-cli download {hub_id}` and copy the "
            "folder here, then choose Local folder; or keep Random weights."
        )
    try:
        from huggingface_hub import hf_hub_download

        path = hf_hub_download(hub_id, name, local_dir=str(folder))
    except Exception as exc:  # connection refused, DNS, HTTP errors: one clear message
        if name in OPTIONAL:
            return
        raise HubDownloadError(
            f"could not download {hub_id}/{name} ({type(exc).__name__}); the Hugging Face hub is "
            "not reachable from this machine. Download it elsewhere (`huggingface-cli download "
            f"{hub_id}`), copy the folder here and choose Local folder, or keep Random weights."
        ) from None
    if Path(path) != folder / name:
        shutil.copyfile(path, folder / name)
