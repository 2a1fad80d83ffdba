"""Split an answer into sentences and clauses, the units a claim must be stated in.

Sentences end at 。！？；;!? newlines and ". "; clauses split further at ， and , (not inside 14,991,360 nor in
LaTeX's thin space \\,) and at
contrast words (但/但是/而/而是/然而/不过/同时/相比之下; but, whereas, while, however, although, vs). 、 and "and" do not split
here; a colon splits, but the clause after it keeps the subjects before it ("lora_alpha=32: makes …"; the grader splits "B is zero and A random" later, once it knows both halves are complete statements).
The analysed text is capped so that no answer makes grading unbounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_ANALYSED_CHARS = 8000  # an interview answer is far shorter; the rest is not read
MAX_CLAUSES = 600

# ". " ends a sentence, except after a number ("0.5. "), an abbreviation such as e.g. / i.e. / w.r.t. / vs. / etc.
_SENTENCE_END = re.compile(
    r"[。！？；;!?！？\n\r]+|\.(?=\s|$)(?<!\d\.)(?<!\.[a-z]\.)(?<!\bvs\.)(?<!\betc\.)(?<!\bcf\.)(?<!\bincl\.)(?<!\bapprox\.)|…+"
)
# a comma before an appositive ("高斯初始化，也就是 Kaiming", "Gaussian, i.e. Kaiming") does not split: what follows
# restates the clause before it, so a claim may span both (also the comma right after the marker: "that is, Kaiming")
_APPOSITIVE = (
    r"(?!\s*(?:也就是|亦即|即(?![使便可将])|i\.e\.|that is(?![A-Za-z])|namely(?![A-Za-z])))"
)
_AFTER_MARKER = r"(?<!that is)(?<!i\.e\.)(?<!namely)(?<!也就是)"
_CLAUSE_SPLIT = re.compile(
    rf"{_AFTER_MARKER}[，]{_APPOSITIVE}|{_AFTER_MARKER}(?<!\\),(?!\d{{3}}(?!\d)){_APPOSITIVE}|(?<![A-Za-z])(?:but|whereas|while|however|although|though)(?![A-Za-z])"
    "|但是|而是|然而|不过|同时|但|而(?!且)",
    re.IGNORECASE,
)


_COLON = re.compile(r"[:：](?!//)")
# "X vs Y" sets two things apart, also inside brackets ("(warning 文本 vs tqdm 条)"); "0.71 vs 0.75" compares values
_VS = r"(?<![A-Za-z])(?:vs\.?|versus)(?![A-Za-z])"
_VERSUS = re.compile(rf"(?<![\d%])(?<![\d%] ){_VS}|{_VS}(?!\s?[-+]?[\d.])|相比之下|对比之下", re.I)


@dataclass(frozen=True)
class Clause:
    text: str  # the learner's words, as typed
    sentence: int  # index of its sentence
    sentence_text: str  # the whole sentence, as typed (quoted when it contradicts a point)
    after_colon: bool = (
        False  # "lora_alpha=32: makes …": it also keeps the subjects before the colon
    )
    after_vs: bool = (
        False  # "head-only vs full fine-tuning": a claim may join it with the clause before
    )


# a straight single quote used as a quotation mark: opened after a non-letter, closed before one, so that
# apostrophes (LoRA's, don't, models') never open or close it
_SINGLE_QUOTED = re.compile(r"(?<![A-Za-z0-9])['‘][^'‘’\n]+['’](?![A-Za-z0-9])")


def bracket_depths(text: str) -> list[int]:
    """Bracket/quote depth at each character ("A ~ N(0, σ²)", “先注意力，MLP 可选”, 'attention first, MLP
    optional': the comma inside does not split)."""
    depth, in_quote, out = 0, False, []
    for ch in text:
        if ch in "([{（【“「『":
            depth += 1
        elif ch in ")]}）】”」』" and depth:
            depth -= 1
        elif ch in '"＂':
            in_quote = not in_quote
        out.append(depth + in_quote)
    if "'" in text:
        for match in _SINGLE_QUOTED.finditer(text):
            for i in range(match.start() + 1, match.end() - 1):
                out[i] += 1
    return out


def _pieces(pattern: re.Pattern[str], text: str, nested_ok: bool = False) -> list[str]:
    depths = bracket_depths(text) if nested_ok else None
    out, last = [], 0
    for match in pattern.finditer(text):
        if depths is not None and depths[match.start()] > 0:
            continue
        out.append(text[last : match.start()])
        last = match.end()
    out.append(text[last:])
    return out


def split_clauses(answer: str) -> list[Clause]:
    """Clauses of the answer in order, each knowing its sentence."""
    text = answer[:MAX_ANALYSED_CHARS]
    clauses: list[Clause] = []
    for index, sentence in enumerate(s for s in _pieces(_SENTENCE_END, text) if s.strip()):
        for chunk in _pieces(_CLAUSE_SPLIT, sentence, nested_ok=True):
            for v, piece in enumerate(_pieces(_VERSUS, chunk)):
                for n, part in enumerate(_pieces(_COLON, piece, nested_ok=True)):
                    if part.strip():
                        after_vs = v > 0 and n == 0
                        clauses.append(
                            Clause(part.strip(), index, sentence.strip(), n > 0, after_vs)
                        )
            if len(clauses) >= MAX_CLAUSES:
                return clauses
    return clauses
