"""The claim language authors write on key points (see questions/README.md, "Claims").

    claim   := alt ("||" alt)*            either alternative states the claim
    alt     := term ("+" term)*           every term in one clause of the answer
    term    := atom | "(" atom ("|" atom)* ")"
    atom    := ["!"] (concept-id | 'inline form')   "!" = the concept must occur negated

Inline forms: `'=1e-4'` / `'=0.6~0.8'` (a number or range), a formula (any of / * ( ) ^ = + √ ≪ ≤ ≥ ∈) compared
compacted, or a literal phrase. Parsing is pure (no lexicon); `claim_problems` checks ids against a lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from studykit.grading.forms import FORMULA_CHARS
from studykit.grading.lexicon import CONCEPT_ID, Lexicon
from studykit.grading.normalise import normalise
from studykit.grading.numbers import parse_numeric_form
from studykit.text_fold import CJK_CHAR

MAX_CLAIM_CHARS = 600
_CJK = CJK_CHAR

AtomKind = Literal["concept", "number", "formula", "phrase"]


class ClaimSyntaxError(ValueError):
    """A claim string that does not parse."""


@dataclass(frozen=True)
class Atom:
    kind: AtomKind
    value: str  # concept id, or the inline form as written (without quotes)
    negated: bool = False

    @property
    def is_concept(self) -> bool:
        return self.kind == "concept"


@dataclass(frozen=True)
class Term:
    atoms: tuple[Atom, ...]  # any one of them satisfies the term


@dataclass(frozen=True)
class Alternative:
    terms: tuple[Term, ...]  # all of them, in one clause


@dataclass(frozen=True)
class Claim:
    source: str
    alternatives: tuple[Alternative, ...]

    def concept_ids(self) -> set[str]:
        return {
            a.value for alt in self.alternatives for t in alt.terms for a in t.atoms if a.is_concept
        }

    def inline_atoms(self) -> list[Atom]:
        return [
            a for alt in self.alternatives for t in alt.terms for a in t.atoms if not a.is_concept
        ]


_TOKEN = re.compile(
    r"\s*(?:(?P<q>'[^']*')|(?P<op>\|\||[+|()!])|(?P<id>[A-Za-z0-9_-]+)|(?P<bad>\S))"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "bad"
        value = match.group(kind)
        if kind == "bad":
            if value == "'":
                raise ClaimSyntaxError("unclosed quote (an inline form is written 'like this')")
            raise ClaimSyntaxError(f"unexpected character {value!r}")
        out.append((kind, value))
    return out


def _inline_kind(form: str) -> AtomKind:
    if form.strip().startswith("="):
        if parse_numeric_form(form) is None:
            raise ClaimSyntaxError(
                f"'{form}' is not a number or range (write '=1e-4' or '=0.6~0.8')"
            )
        return "number"
    return "formula" if FORMULA_CHARS & set(normalise(form)) else "phrase"


def _atom(tokens: list[tuple[str, str]], pos: int) -> tuple[Atom, int]:
    negated = False
    if pos < len(tokens) and tokens[pos] == ("op", "!"):
        negated, pos = True, pos + 1
    if pos >= len(tokens):
        raise ClaimSyntaxError("a term is missing at the end")
    kind, value = tokens[pos]
    if kind == "q":
        form = value[1:-1]
        if not form.strip():
            raise ClaimSyntaxError("empty inline form ''")
        return Atom(_inline_kind(form), form.strip(), negated), pos + 1
    if kind == "id":
        if not re.fullmatch(CONCEPT_ID, value):
            raise ClaimSyntaxError(
                f"{value!r} is not a concept id (lower-case words joined by '-'); quote inline forms: '{value}'"
            )
        return Atom("concept", value, negated), pos + 1
    raise ClaimSyntaxError(f"expected a concept id or a quoted form, found {value!r}")


def _term(tokens: list[tuple[str, str]], pos: int) -> tuple[Term, int]:
    if pos < len(tokens) and tokens[pos] == ("op", "("):
        atoms = []
        pos += 1
        while True:
            atom, pos = _atom(tokens, pos)
            atoms.append(atom)
            if pos < len(tokens) and tokens[pos] == ("op", "|"):
                pos += 1
                continue
            if pos < len(tokens) and tokens[pos] == ("op", ")"):
                return Term(tuple(atoms)), pos + 1
            raise ClaimSyntaxError("'(' without a matching ')' (alternatives are written (a | b))")
    atom, pos = _atom(tokens, pos)
    return Term((atom,)), pos


def _unwrap_groups(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """`(a + b) || c` -> `a + b || c`: parentheses around a whole alternative only group it."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        at_alt_start = not out or out[-1] == ("op", "||")
        if at_alt_start and tokens[i] == ("op", "("):
            depth, j = 0, i
            while j < len(tokens):
                depth += {("op", "("): 1, ("op", ")"): -1}.get(tokens[j], 0)
                if depth == 0:
                    break
                j += 1
            inner = tokens[i + 1 : j]
            closes_alt = j + 1 >= len(tokens) or tokens[j + 1] == ("op", "||")
            if (
                j < len(tokens)
                and closes_alt
                and any(t in (("op", "+"), ("op", "||")) for t in inner)
            ):
                out.extend(_unwrap_groups(inner))
                i = j + 1
                continue
        out.append(tokens[i])
        i += 1
    return out


@lru_cache(maxsize=8192)
def parse_claim(text: str) -> Claim:
    """Parse one claim string; raises ClaimSyntaxError with a reason an author can act on."""
    if not text or not text.strip():
        raise ClaimSyntaxError("empty claim")
    if len(text) > MAX_CLAIM_CHARS:
        raise ClaimSyntaxError(f"claim longer than {MAX_CLAIM_CHARS} characters")
    tokens = _unwrap_groups(_tokens(text))
    alternatives: list[Alternative] = []
    terms: list[Term] = []
    pos = 0
    while True:
        term, pos = _term(tokens, pos)
        terms.append(term)
        if pos == len(tokens):
            break
        op = tokens[pos]
        if op == ("op", "+"):
            pos += 1
        elif op == ("op", "||"):
            alternatives.append(Alternative(tuple(terms)))
            terms, pos = [], pos + 1
        else:
            raise ClaimSyntaxError(f"expected '+' or '||' between terms, found {op[1]!r}")
    alternatives.append(Alternative(tuple(terms)))
    return Claim(text, tuple(alternatives))


def unknown_concepts(claim: Claim, lexicon: Lexicon) -> list[str]:
    return sorted(cid for cid in claim.concept_ids() if cid not in lexicon)


def _substantive(atom: Atom, lexicon: Lexicon) -> bool:
    """Whether the atom says something on its own: a predicate concept, a number, a formula, a long phrase."""
    if atom.kind == "concept":
        return not lexicon.is_entity(atom.value)
    if atom.kind in ("number", "formula"):
        return True
    words = atom.value.split()
    return len(words) >= 3 or len(_CJK.findall(atom.value)) >= 4


def weak_alternatives(claim: Claim, lexicon: Lexicon) -> list[str]:
    """Alternatives a bare entity or a one-word topic term could win (the §2 rule), as readable reasons."""
    reasons = []
    for alt in claim.alternatives:
        text = " + ".join(
            "(" + " | ".join(_atom_text(a) for a in t.atoms) + ")"
            if len(t.atoms) > 1
            else _atom_text(t.atoms[0])
            for t in alt.terms
        )
        substantive = [all(_substantive(a, lexicon) for a in t.atoms) for t in alt.terms]
        if len(alt.terms) == 1 and not substantive[0]:
            reasons.append(
                f"`{text}` is a single term that is not a number, formula or long phrase"
            )
        elif len(alt.terms) > 1 and not any(substantive):
            reasons.append(
                f"`{text}` names only entities / short phrases: add what is claimed about them"
            )
    return reasons


def _atom_text(atom: Atom) -> str:
    body = atom.value if atom.is_concept else f"'{atom.value}'"
    return ("!" if atom.negated else "") + body
