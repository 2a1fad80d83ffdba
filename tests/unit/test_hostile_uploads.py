"""Property-based: any CSV/FASTA upload to the Lab is a task or a `TaskFileError` with a reason.

Huge, binary, wrongly encoded, empty files, invalid residues and odd labels: never a traceback,
never a hang (each parse is bounded in time), and the message is a readable sentence.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lora_demo import ProteinTask, TaskFileError, load_user_task
from lora_demo.architecture import MAX_RESIDUES, RESIDUES
from lora_demo.user_tasks import MAX_FILE_BYTES, MAX_SEQUENCES

NAMES = st.sampled_from(["data.csv", "data.fasta", "x.fa", "x.txt", "DATA.CSV", "x.json", "noext"])
RESIDUE = st.sampled_from(list("ACDEFGHIKLMNPQRSTVWYXBUZO"))
NOISE = st.sampled_from([*list("acgu*-.1 \t,;\"'>=\r\n\x00\ufeff²٣é低"), "label=", ">p"])
SEQUENCE = st.lists(st.one_of(RESIDUE, RESIDUE, RESIDUE, NOISE), min_size=0, max_size=40).map(
    "".join
)
LABEL = st.one_of(
    st.integers(-3, 120).map(str),
    st.text(st.sampled_from(list("0123456789-+ .e²٣")), max_size=6),
)
SLOW_S = 5.0


def _csv(rows: list[tuple[str, str]], header: str) -> str:
    return header + "\n" + "\n".join(f"{seq},{label}" for seq, label in rows) + "\n"


def _fasta(rows: list[tuple[str, str]], _header: str) -> str:
    return "".join(f">p{i} label={label}\n{seq}\n" for i, (seq, label) in enumerate(rows))


ROWS = st.lists(st.tuples(SEQUENCE, LABEL), min_size=0, max_size=12)
TEXT_FILE = st.builds(
    lambda fmt, rows, header: fmt(rows, header),
    st.sampled_from([_csv, _fasta]),
    ROWS,
    st.sampled_from(["sequence,label", "Sequence , Label", "seq,label", "label,sequence", ""]),
)
ENCODED = st.builds(
    lambda text, enc: text.encode(enc, errors="replace"),
    TEXT_FILE,
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252", "gb18030"]),
)
CONTENT = st.one_of(ENCODED, st.binary(max_size=400), st.just(b""))


def check(data: bytes, filename: str) -> ProteinTask | TaskFileError:
    """Load once, bounded in time; return the task or the refusal."""
    start = time.perf_counter()
    try:
        result: ProteinTask | TaskFileError = load_user_task(data, filename)
    except TaskFileError as exc:
        message = str(exc)
        assert message.strip() and "Traceback" not in message and len(message) < 600, message
        result = exc
    assert time.perf_counter() - start < SLOW_S, f"parsing took too long for {filename}"
    return result


def _valid(task: ProteinTask) -> None:
    items = task.train + task.val
    assert 4 <= len(items) <= MAX_SEQUENCES and task.num_labels >= 2
    for seq, label in items:
        assert seq and len(seq) <= MAX_RESIDUES and set(seq) <= set(RESIDUES)
        if task.kind == "token":
            assert isinstance(label, list) and len(label) == len(seq)
        else:
            assert isinstance(label, int) and 0 <= label < task.num_labels


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CONTENT, NAMES)
@example("sequence,label\nACD,٣\nDEF,1\nGHI,0\nKLM,1\n".encode(), "x.csv")  # Arabic-Indic 3
@example(b">a label=1\n>b label=0\nAC\n", "x.fasta")
@example(b"\xef\xbb\xbf>a label=1\nAC\n>b label=0\nDE\n>c label=1\nFG\n>d label=0\nHI\n", "x.txt")
def test_any_upload_is_a_task_or_a_clear_refusal(data: bytes, filename: str) -> None:
    result = check(data, filename)
    if isinstance(result, ProteinTask):
        _valid(result)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "sequence"),
        (b"\x00\x01\x02PK\x03\x04" * 50, "binary"),
        ("sequence,label\nACDE,1\n".encode("utf-16"), "binary"),
        ("sequence,label\nÀÉÎ,1\n".encode("latin-1"), "UTF-8"),
        (b"sequence,label\nAC1DE,1\nACDE,0\nACDE,1\nACDE,0\n", "invalid residue"),
        (b"sequence,label\n" + b"ACDEFGHIKL,1\n" * 100_000, "limit"),
        (b"sequence,label\n" + b"A" * (MAX_RESIDUES + 1) + b",1\n", "limit"),
        (b"sequence,label\n" + b"ACD,1\nEFG,0\n" * (MAX_SEQUENCES // 2 + 1), "more than"),
        (b"sequence,label\n" + b'"' + b"A" * 200_000 + b'",1\n', ""),
    ],
)
def test_named_hostile_files_are_refused_with_a_reason(data: bytes, why: str) -> None:
    result = check(data, "upload.csv")
    assert isinstance(result, TaskFileError), result
    assert why.lower() in str(result).lower(), str(result)


def test_superscript_digit_labels_are_refused_not_crashing() -> None:
    # '²' and '³' are isdigit() but not decimal: int('²') raises a bare ValueError
    result = check(b"sequence,label\nAC,\xc2\xb2\xc2\xb3\nDE,1\nFG,0\nHI,1\n", "x.csv")
    assert isinstance(result, TaskFileError)


def test_a_file_at_the_size_limit_parses_quickly() -> None:
    row = b"ACDEFGHIKLMNPQRSTVWY" * 24 + b",1\n"  # 480 residues
    body = b"sequence,label\n" + row * (MAX_SEQUENCES // 2)
    assert len(body) <= MAX_FILE_BYTES
    result = check(body, "big.csv")
    assert isinstance(result, TaskFileError)  # parsed whole, then refused by the residue cap
    assert "residues in all" in str(result)


@pytest.mark.parametrize(
    "data, filename",
    [
        pytest.param(
            (",".join(f"column_{i}" for i in range(100_000)) + "\nACD,1\n").encode(),
            "wide.csv",
            id="csv-header-100k-columns",
        ),
        pytest.param(
            b">" + b"x" * 900_000 + b" label=1\nACD\n", "long.fasta", id="fasta-900k-header"
        ),
        pytest.param(b">" + b"p label=" + b"9" * 900_000 + b"\nACD\n", "x.fasta", id="900k-label"),
        pytest.param(
            b"sequence,label\n" + b"ACD," + b"Z" * 900_000 + b"\n", "x.csv", id="900k-cell"
        ),
    ],
)
def test_refusals_quote_at_most_a_few_hundred_characters(data: bytes, filename: str) -> None:
    """Issue 12, failure 7: a 989k-character message froze the browser tab for minutes."""
    result = check(data, filename)
    assert isinstance(result, TaskFileError)
    assert len(str(result)) <= 300


def test_total_residues_are_capped() -> None:
    from lora_demo.user_tasks import MAX_TOTAL_RESIDUES

    n = MAX_TOTAL_RESIDUES // MAX_RESIDUES + 1
    rows = "".join(f"{'A' * MAX_RESIDUES},{i % 2}\n" for i in range(n))
    result = check(("sequence,label\n" + rows).encode(), "big.csv")
    assert isinstance(result, TaskFileError) and "residues in all" in str(result)


def test_a_batch_of_the_longest_sequences_stays_within_the_token_budget() -> None:
    from lora_demo.tasks import ATTENTION_BUDGET, TOKEN_BUDGET, batch_within_budget

    longest = [("A" * MAX_RESIDUES, 0)] * 20
    assert batch_within_budget(longest, 16) * (MAX_RESIDUES + 2) <= TOKEN_BUDGET
    assert batch_within_budget(longest, 16) * (MAX_RESIDUES + 2) ** 2 <= ATTENTION_BUDGET
    assert batch_within_budget([("A" * 254, 0)] * 20, 16) == 16  # 16 x 256^2 fits
    assert batch_within_budget([("ACDE", 0)] * 20, 16) == 16  # short sequences keep the batch
    assert batch_within_budget(longest, 1) == 1
