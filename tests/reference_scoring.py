"""An independent reference implementation of the iaow-2013 scoring rule, straight from DESIGN.md.

Deliberately shares no code with the platform (not flows.scoring, not the dbt models): it reads
the landing CSVs and the seed CSVs and computes with fractions.Fraction.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

from flows.config import SEEDS_DIR


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def question_counts(return_folder: Path) -> dict[str, tuple[int, int]]:
    """question_id -> (n_sufficient, n_relevant)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in _rows(return_folder / "answers.csv"):
        if row["answer"] in ("yes", "no"):
            counts[row["question_id"]][1] += 1
            counts[row["question_id"]][0] += row["answer"] == "yes"
        else:
            counts[row["question_id"]]  # an n/a-only question still exists, with no score
    return {q: (k, n) for q, (k, n) in counts.items()}


def outcome_scores(counts: dict[str, tuple[int, int]]) -> dict[int, Fraction | None]:
    by_outcome: dict[int, list[Fraction]] = defaultdict(list)
    outcomes = {int(r["outcome_code"]) for r in _rows(SEEDS_DIR / "methodology" / "outcomes.csv")}
    for row in _rows(SEEDS_DIR / "methodology" / "question_outcomes.csv"):
        k, n = counts.get(row["question_id"], (0, 0))
        if n:
            by_outcome[int(row["outcome_code"])].append(Fraction(k, n))
    return {o: (sum(by_outcome[o]) / len(by_outcome[o]) if by_outcome[o] else None) for o in outcomes}


def published_percentage(score: Fraction | None) -> int | None:
    if score is None:
        return None
    hundred = score * 100
    whole = hundred.numerator // hundred.denominator
    return whole + 1 if hundred - whole >= Fraction(1, 2) else whole
