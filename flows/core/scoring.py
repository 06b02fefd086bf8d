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


def _present_ratios(n_sufficient: Sequence[int], n_relevant: Sequence[int]) -> list[Fraction]:
    if len(n_sufficient) != len(n_relevant):
        raise ValueError("numerators and denominators differ in length")
    return [Fraction(k, n) for k, n in zip(n_sufficient, n_relevant, strict=True) if n]


def lowest_of_ratios(n_sufficient: Sequence[int], n_relevant: Sequence[int]) -> Fraction | None:
    """The lowest question score, questions with no relevant case left out."""
    present = _present_ratios(n_sufficient, n_relevant)
    return min(present) if present else None


def pooled_ratio(n_sufficient: Sequence[int], n_relevant: Sequence[int]) -> Fraction | None:
    """All relevant answers pooled: sum of n_sufficient / sum of n_relevant."""
    if len(n_sufficient) != len(n_relevant):
        raise ValueError("numerators and denominators differ in length")
    total = sum(n_relevant)
    return Fraction(sum(n_sufficient), total) if total else None


def mean_of_group_means(groups: Sequence[str], n_sufficient: Sequence[int], n_relevant: Sequence[int]) -> Fraction | None:
    """Mean over groups (criteria) of the mean of each group's question scores; groups with no score left out."""
    if not len(groups) == len(n_sufficient) == len(n_relevant):
        raise ValueError("groups, numerators and denominators differ in length")
    by_group: dict[str, list[Fraction | None]] = {}
    for group, k, n in zip(groups, n_sufficient, n_relevant, strict=True):
        by_group.setdefault(group, []).append(question_score(k, n))
    return mean_of_scores(mean_of_scores(scores) for scores in by_group.values())


# The statistics a methodology's score_rule (or a diagnostic) may name; iaow_ratio_stat dispatches on them.
RATIO_STATISTICS = {
    "mean_of_questions": mean_of_ratios,
    "mean_of_key_questions": mean_of_ratios,  # the caller passes the key questions only
    "lowest_key_question": lowest_of_ratios,
    "pooled_cases": pooled_ratio,
}


def ratio_statistic(rule: str, n_sufficient: Sequence[int], n_relevant: Sequence[int]) -> Fraction | None:
    try:
        statistic = RATIO_STATISTICS[rule]
    except KeyError:
        raise ValueError(f"unknown scoring rule {rule!r}") from None
    return statistic(n_sufficient, n_relevant)


def round_half_up(value: Fraction) -> int:
    """78.5 -> 79, 78.4999... -> 78, on the exact value (scores are never negative)."""
    return int((value + Fraction(1, 2)) // 1)


def percentage(score: Fraction | None) -> int | None:
    """The published percentage: score x 100, rounded half up to a whole number."""
    return None if score is None else round_half_up(score * 100)


def as_float(score: Fraction | None) -> float | None:
    """The nearest double to the exact score (what the 0-1 `score` columns hold)."""
    return None if score is None else float(score)
