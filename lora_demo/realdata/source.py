"""Where the data and tools are, and reading the BLAST databases with ``blastdbcmd``.

Nothing here uses the network: the sequences come from the Debian package ``metastudent-data``
(UniProt proteins with GO annotations, release 2014-01) and are read with ``ncbi-blast+``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SOURCE = Path("/usr/share/metastudent-data/dataset_201401")
ONTOLOGIES = ("CCO", "MFO", "BPO")
INSTALL_HINT = "apt-get install -y ncbi-blast+ mmseqs2 metastudent-data"


class DataBuildError(RuntimeError):
    """The data cannot be built; the message says what is missing and how to fix it."""


def data_dir() -> Path:
    """The data folder: ``$LORA_LAB_DATA_DIR``, default ``./data`` (git-ignored)."""
    return Path(os.environ.get("LORA_LAB_DATA_DIR") or "data")


def source_dir() -> Path:
    """The metastudent-data dataset folder (``$LORA_LAB_METASTUDENT_DIR`` overrides it)."""
    return Path(os.environ.get("LORA_LAB_METASTUDENT_DIR") or DEFAULT_SOURCE)


@dataclass(frozen=True)
class Tool:
    command: str
    package: str


TOOLS = (Tool("blastdbcmd", "ncbi-blast+"), Tool("mmseqs", "mmseqs2"))


def require_tools(names: tuple[str, ...] = ("blastdbcmd", "mmseqs")) -> dict[str, str]:
    """Paths of the needed programs, or a DataBuildError naming the Debian packages to install."""
    found, missing = {}, []
    for tool in TOOLS:
        if tool.command not in names:
            continue
        path = shutil.which(tool.command)
        if path:
            found[tool.command] = path
        else:
            missing.append(tool)
    if missing:
        progs = ", ".join(f"{t.command} (Debian package {t.package})" for t in missing)
        pkgs = " ".join(t.package for t in missing)
        raise DataBuildError(
            f"missing program(s): {progs}. Install them with `apt-get install -y {pkgs}` "
            "(as root), then run `python -m lora_demo data build` again."
        )
    return found


def db_path(ontology: str, src: Path | None = None) -> Path:
    """The BLAST database prefix of one ontology (``CCO``, ``MFO``, ``BPO``)."""
    return (src or source_dir()) / ontology / "goasp.fasta"


def require_source(ontologies: tuple[str, ...], src: Path | None = None) -> Path:
    """The dataset folder if it holds the needed databases and GO files, else a DataBuildError."""
    root = src or source_dir()
    needed = [db_path(o, root).with_suffix(".fasta.pin") for o in ontologies]
    needed += [root / "nameMapping.txt", root / "fullTransitiveClosureGO.txt"]
    missing = [p for p in needed if not p.is_file()]
    if missing:
        raise DataBuildError(
            f"the metastudent-data files are missing ({', '.join(str(p) for p in missing[:3])}"
            f"{' ...' if len(missing) > 3 else ''}). Install the Debian package with "
            "`apt-get install -y metastudent-data` (about 780 MB), or point "
            "LORA_LAB_METASTUDENT_DIR at a dataset folder with CCO/ MFO/ BPO/ BLAST databases."
        )
    return root


@dataclass(frozen=True)
class Record:
    """One protein: UniProt accession, its GO terms (as annotated, not propagated), sequence."""

    accession: str
    terms: tuple[str, ...]
    sequence: str


def parse_line(line: str) -> Record | None:
    """One ``blastdbcmd -outfmt "%t|%s"`` line: ``ACC|GO:1,GO:2|SEQUENCE`` (None if malformed)."""
    parts = line.rstrip("\n").split("|")
    if len(parts) < 2 or not parts[0] or not parts[-1]:
        return None
    acc = parts[0].split()[0]
    terms = tuple(
        sorted(
            {
                t
                for chunk in parts[1:-1]
                for t in chunk.replace(" ", ",").split(",")
                if t.startswith("GO:")
            }
        )
    )
    return Record(acc, terms, parts[-1].strip().upper())


def export(
    ontology: str, src: Path | None = None, blastdbcmd: str = "blastdbcmd"
) -> Iterator[Record]:
    """Every protein of one ontology's BLAST database, streamed from ``blastdbcmd``."""
    db = db_path(ontology, src)
    cmd = [blastdbcmd, "-db", str(db), "-entry", "all", "-outfmt", "%t|%s"]
    try:
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1 << 20
        )
    except OSError as exc:
        raise DataBuildError(f"could not run blastdbcmd ({exc}); {INSTALL_HINT}") from exc
    assert proc.stdout is not None and proc.stderr is not None
    n = 0
    for line in proc.stdout:
        rec = parse_line(line)
        if rec is not None:
            n += 1
            yield rec
    err = proc.stderr.read()
    if proc.wait() != 0 or n == 0:
        raise DataBuildError(
            f"blastdbcmd could not read the BLAST database {db} "
            f"({err.strip()[:300] or 'no sequences'}). The database may be corrupt or incomplete: "
            "reinstall it with `apt-get install --reinstall -y metastudent-data`."
        )
