"""User task files: a CSV (``sequence,label``) or FASTA (``>id label=1``) upload, checked and bounded."""

from __future__ import annotations

import csv
import io
import re

from .architecture import MAX_RESIDUES, RESIDUES
from .errors import TaskFileError
from .tasks import Label, ProteinTask, split_examples

MAX_FILE_BYTES = 1_000_000
MAX_SEQUENCES = 2000
MIN_SEQUENCES = 4
MAX_TOTAL_RESIDUES = 250_000  # all sequences of one upload together
_VALID = set(RESIDUES)


def _parse_label(raw: str, seq: str, where: str) -> Label:
    raw = raw.strip()
    if re.fullmatch(r"[0-9]+", raw) and len(raw) == len(seq) > 1:  # ASCII digits only
        return [int(c) for c in raw]  # one digit per residue: a per-residue task
    if re.fullmatch(r"-?[0-9]{1,6}", raw):  # int() of 900k digits raises its own ValueError
        return int(raw)
    raise TaskFileError(
        f"{where}: label {raw[:30]!r} must be an integer class (e.g. 0 or 1) "
        "or one digit per residue."
    )


def _clean_sequence(seq: str, where: str) -> str:
    seq = "".join(seq.split()).upper()
    if not seq:
        raise TaskFileError(f"{where}: the sequence is empty.")
    if len(seq) > MAX_RESIDUES:
        raise TaskFileError(
            f"{where}: the sequence has {len(seq)} residues; the limit is {MAX_RESIDUES}."
        )
    bad = sorted(set(seq) - _VALID)
    if bad:
        raise TaskFileError(
            f"{where}: invalid residue letter(s) {''.join(bad)!r}; allowed: {RESIDUES}."
        )
    return seq


def _read_csv(text: str) -> list[tuple[str, Label]]:
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    if "sequence" not in fields or "label" not in fields:
        raise TaskFileError(
            "the CSV needs a header with columns 'sequence' and 'label' "
            f"(found {len(fields)} column(s): {', '.join(f[:30] for f in fields[:5])})."
        )
    reader.fieldnames = fields
    items: list[tuple[str, Label]] = []
    for i, row in enumerate(reader, start=2):
        if len(items) >= MAX_SEQUENCES:
            raise TaskFileError(f"the file has more than {MAX_SEQUENCES} sequences.")
        where = f"line {i}"
        seq = _clean_sequence(row.get("sequence") or "", where)
        items.append((seq, _parse_label(row.get("label") or "", seq, where)))
    return items


def _read_fasta(text: str) -> list[tuple[str, Label]]:
    items: list[tuple[str, Label]] = []
    header: str | None = None
    chunks: list[str] = []
    line_no = 0

    def flush() -> None:
        if header is None:
            return
        if len(items) >= MAX_SEQUENCES:
            raise TaskFileError(f"the file has more than {MAX_SEQUENCES} sequences.")
        name = header.split()[0][:40] if header.split() else "?"
        where = f"record {name} (line {line_no})"
        fields = dict(t.split("=", 1) for t in header.split()[1:] if "=" in t)
        if "label" not in fields:
            raise TaskFileError(f"{where}: the header needs a label, e.g. '>P12345 label=1'.")
        seq = _clean_sequence("".join(chunks), where)
        items.append((seq, _parse_label(fields["label"], seq, where)))

    for i, line in enumerate(text.splitlines(), start=1):
        if line.startswith(">"):
            flush()
            header, chunks, line_no = line[1:].strip(), [], i
        elif line.strip():
            if header is None:
                raise TaskFileError(f"line {i}: sequence data before the first '>' header.")
            chunks.append(line.strip())
    flush()
    return items


def load_user_task(
    data: bytes, filename: str, seed: int = 0, val_fraction: float = 0.25
) -> ProteinTask:
    """Parse a user CSV (columns sequence,label) or FASTA (``>id label=1``) into a task.

    Limits: at most 1 MB, 2000 sequences, 1022 residues each, 250,000 residues in all, ESM
    alphabet letters only, at least 4 sequences and 2 classes. Every problem raises :class:`TaskFileError` with the reason.
    """
    if len(data) > MAX_FILE_BYTES:
        raise TaskFileError(
            f"the file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,} bytes (1 MB)."
        )
    if b"\x00" in data:
        raise TaskFileError("this looks like a binary file; upload a text CSV or FASTA file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TaskFileError(
            "the file is not UTF-8 text; upload a plain-text CSV or FASTA file."
        ) from None
    lower = filename.lower()
    is_fasta = lower.endswith((".fasta", ".fa", ".faa", ".fas")) or text.lstrip().startswith(">")
    if not is_fasta and not lower.endswith((".csv", ".txt")):
        raise TaskFileError(f"{filename!r}: use a .csv file (sequence,label) or a .fasta file.")
    try:
        items = _read_fasta(text) if is_fasta else _read_csv(text)
    except csv.Error as exc:
        raise TaskFileError(f"the CSV could not be parsed ({exc}).") from None
    if len(items) < MIN_SEQUENCES:
        raise TaskFileError(
            f"the file has {len(items)} sequence(s); at least {MIN_SEQUENCES} are needed."
        )
    residues = sum(len(seq) for seq, _ in items)
    if residues > MAX_TOTAL_RESIDUES:
        raise TaskFileError(
            f"the file has {residues:,} residues in all; the limit is {MAX_TOTAL_RESIDUES:,} "
            "(fewer or shorter sequences)."
        )
    per_residue = [isinstance(lab, list) for _, lab in items]
    if any(per_residue) and not all(per_residue):
        raise TaskFileError("mix of per-sequence and per-residue labels; use one kind in a file.")
    kind = "token" if all(per_residue) else "seq"
    values = {v for _, lab in items for v in (lab if isinstance(lab, list) else [lab])}
    if min(values) < 0 or max(values) > 99:
        raise TaskFileError("labels must be class numbers from 0 to 99.")
    if len(values) < 2:
        raise TaskFileError(f"all labels are {values.pop()}; at least two classes are needed.")
    train, val = split_examples(items, val_fraction, seed)
    name = filename if len(filename) <= 100 else filename[:99] + "…"
    return ProteinTask(name, kind, max(values) + 1, train, val, f"user file {name}")
