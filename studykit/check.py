"""`python -m studykit.check [FILE-PREFIX …]`: validate the question bank and its claims; exit 1 on any problem.

Refused files (schema, YAML, claim syntax, unknown concept ids, local ids clashing with the core lexicon) come
first, then claim-authoring issues per key point (see studykit/claims_check.py). A prefix such as `001` limits the
claim report to matching files. Every question and follow-up must also have an interview answer within
the spoken-minute limits (studykit/interview.py), and every follow-up key points (it is a graded card;
a main question's are required by the schema).
"""

from __future__ import annotations

import sys
from collections import Counter

from studykit.bank import LEXICON_FILE, load_bank, load_file
from studykit.bank_yaml import compose, node_line
from studykit.claims_check import claim_issues
from studykit.interview import interview_problems


def main(argv: list[str] | None = None) -> int:
    prefixes = tuple(argv if argv is not None else sys.argv[1:])
    bank = load_bank()
    for problem in bank.problems:
        print(f"REFUSED {problem}")
    totals: Counter[str] = Counter()
    for path in sorted(bank.directory.glob("*.yaml")):
        if path.name == LEXICON_FILE or (prefixes and not path.name.startswith(prefixes)):
            continue
        bank_file, _ = load_file(path)
        if bank_file is None:
            continue
        root = compose(path.read_text(encoding="utf-8"))
        issues = claim_issues(bank_file)
        points = sum(len(q.all_key_points()) for q in bank_file.questions)
        with_claims = sum(1 for q in bank_file.questions for p in q.all_key_points() if p.claims)
        for issue in issues:
            line = node_line(root, issue.loc)
            where = f"{path.name}:{line}" if line else path.name
            print(
                f"{issue.kind.upper():10} {where} {issue.question} {issue.where}: {issue.message}"
            )
        kinds = Counter(i.kind for i in issues)
        totals.update(kinds)
        summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "no issues"
        print(f"== {path.name}: {with_claims}/{points} key points have claims; {summary}")
        for question in bank_file.questions:
            for where, message in interview_problems(question):
                totals["interview"] += 1
                print(f"{'INTERVIEW':10} {path.name} {question.id} {where}: {message}")
            for n, follow_up in enumerate(question.follow_ups, start=1):
                if not follow_up.key_points:  # a follow-up is a graded card: it needs key points
                    totals["no_key_points"] += 1
                    print(f"{'KEYPOINTS':10} {path.name} {question.id} follow_ups[{n - 1}]: none")
    print(
        f"{len(bank.files)} file(s), {len(bank.questions)} question(s), {len(bank.problems)} problem(s), "
        f"{sum(totals.values()) - totals['interview'] - totals['no_key_points']} claim issue(s), "
        f"{totals['interview']} interview-answer issue(s), "
        f"{totals['no_key_points']} follow-up(s) without key points"
    )
    return 1 if bank.problems or totals else 0


if __name__ == "__main__":
    sys.exit(main())
