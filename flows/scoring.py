"""Exact scoring arithmetic, shared by the dbt models (through DuckDB functions) and the tests.

Outcome scores are means of proportions with different denominators; in binary floating point
such a mean can land a hair below .5 (1/1 and 3/20 give 57.49999999999999, not 57.5), and
rounding that publishes the wrong whole number. Everything here uses exact fractions and
rounds half up on the exact value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction


def question_score(n_sufficient: int, n_relevant: int) -> Fraction | None:
    """n_sufficient / n_relevant; no score when no case was relevant."""
    return None if n_relevant == 0 else Fraction(n_sufficient, n_relevant)


def mean_of_scores(scores: Iterable[Fraction | None]) -> Fraction | None:
    """Unweighted mean of the scores that exist: a question with no score is left out."""
    present = [s for s in scores if s is not None]
    return sum(present, Fraction(0)) / len(present) if present else None


def mean_of_ratios(n_sufficient: Sequence[int], n_relevant: Sequence[int]) -> Fraction | None:
    """Mean over questions of n_sufficient/n_relevant, skipping questions with no relevant case."""
    if len(n_sufficient) != len(n_relevant):
        raise ValueError("numerators and denominators differ in length")
    return mean_of_scores(question_score(k, n) for k, n in zip(n_sufficient, n_relevant, strict=True))


def round_half_up(value: Fraction) -> int:
    """78.5 -> 79, 78.4999... -> 78, on the exact value (scores are never negative)."""
    return int((value + Fraction(1, 2)) // 1)


def percentage(score: Fraction | None) -> int | None:
    """The published percentage: score x 100, rounded half up to a whole number."""
    return None if score is None else round_half_up(score * 100)


def as_float(score: Fraction | None) -> float | None:
    """The nearest double to the exact score (what the 0-1 `score` columns hold)."""
    return None if score is None else float(score)
