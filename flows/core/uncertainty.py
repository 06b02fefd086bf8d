"""How sure a published score is: Wilson intervals for question scores, a case-level bootstrap
for outcome scores, and funnel limits for comparing an area with the rest of its group.

Pure functions: the dbt models call them (the bootstrap through the Python model
int_outcome_bootstrap, Wilson and funnel limits as SQL written from the same formulas) and the
tests check them without dbt or Prefect.

Why a bootstrap for outcomes: an outcome score averages 10-20 question scores computed on the
same 50-90 cases, and a case that is handled badly tends to fail several questions at once, so
treating the questions as independent would understate the uncertainty. Resampling whole cases
keeps that correlation.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np

Z_95 = 1.959963984540054  # two-sided 95%: the 97.5th percentile of the standard normal
Z_998 = 3.090232306167813  # two-sided 99.8%: the 99.9th percentile

BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20130401
INTERVAL_PERCENTILES = (2.5, 97.5)


def wilson_interval(n_sufficient: int, n_relevant: int, z: float = Z_95) -> tuple[float, float] | None:
    """Wilson score interval for n_sufficient / n_relevant; None when no case was relevant."""
    if n_relevant == 0:
        return None
    p = n_sufficient / n_relevant
    z2n = z * z / n_relevant
    centre = (p + z2n / 2) / (1 + z2n)
    half = z * math.sqrt(p * (1 - p) / n_relevant + z2n / (4 * n_relevant)) / (1 + z2n)
    # At 0/n and n/n the exact bound is 0 or 1; floating point lands a hair inside it.
    low = 0.0 if n_sufficient == 0 else max(0.0, centre - half)
    high = 1.0 if n_sufficient == n_relevant else min(1.0, centre + half)
    return low, high


@dataclass(frozen=True)
class BootstrapInterval:
    low: float
    high: float
    standard_error: float
    n_resamples: int  # resamples in which the outcome had a score (all of them, almost always)


def seed_for(inspection_id: str, base_seed: int = BOOTSTRAP_SEED) -> np.random.SeedSequence:
    """One stream per inspection, so that its interval does not move when others are published."""
    digest = int.from_bytes(hashlib.sha256(inspection_id.encode()).digest()[:8], "big")
    return np.random.SeedSequence([base_seed, digest])


def resample_weights(n_cases: int, resamples: int, seed: np.random.SeedSequence, n_draws: int | None = None) -> np.ndarray:
    """resamples x n_cases: how many times each case is drawn in each resample.

    Each resample draws n_draws cases (by default as many as there are) with replacement.
    """
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_cases, size=(resamples, n_cases if n_draws is None else n_draws))
    weights = np.zeros((resamples, n_cases), dtype=np.int64)
    np.add.at(weights, (np.arange(resamples)[:, None], draws), 1)
    return weights


def bootstrap_outcome_intervals(
    sufficient: np.ndarray,
    relevant: np.ndarray,
    scored_questions: np.ndarray,
    rule: str,
    seed: np.random.SeedSequence,
    resamples: int = BOOTSTRAP_RESAMPLES,
    n_draws: int | None = None,
) -> list[BootstrapInterval | None]:
    """Percentile intervals (2.5th, 97.5th) of each outcome's score over case resamples.

    sufficient, relevant: cases x questions booleans (yes; yes or no), cases in a fixed order.
    scored_questions: outcomes x questions booleans, the questions whose scores make each
    outcome's score under the methodology. rule: `mean` (the unweighted mean of the question
    scores) or `lowest` (the lowest). In every resample a question with no relevant case is left
    out, as in the published score; an outcome with no scored question in a resample is left out
    of that outcome's distribution. None for an outcome with no score in the data itself.

    `lowest_observed` resamples the score of the question that is lowest in the data (the first
    of equals), which is the score published under lowest_key_question. Re-taking the minimum in
    every resample (`lowest`) would bias the distribution downward, since the least of several
    noisy proportions is lower than the least of their true values, and with few relevant cases
    the interval can then lie wholly below the published score. `lowest` is right for the
    spread of the statistic itself (the funnel's null distribution).

    n_draws: cases drawn per resample, by default as many as given. The funnel limits use it to
    draw an area's sample size from the rest of its group's cases.
    """
    if rule not in ("mean", "lowest", "lowest_observed"):
        raise ValueError(f"unknown bootstrap rule {rule!r}")
    n_cases = sufficient.shape[0]
    if n_cases == 0:
        return [None] * scored_questions.shape[0]
    weights = resample_weights(n_cases, resamples, seed, n_draws)
    n_sufficient = weights @ sufficient.astype(np.int64)  # resamples x questions
    n_relevant = weights @ relevant.astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        question_scores = np.where(n_relevant > 0, n_sufficient / np.maximum(n_relevant, 1), np.nan)
    observed_relevant = relevant.any(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        observed_scores = np.where(observed_relevant, sufficient.sum(axis=0) / np.maximum(relevant.sum(axis=0), 1), np.inf)

    intervals: list[BootstrapInterval | None] = []
    for columns in scored_questions.astype(bool):
        if not (columns & observed_relevant).any():
            intervals.append(None)
            continue
        if rule == "lowest_observed":
            # the published lowest key question, and only it (np.argmin takes the first of equals)
            lowest = np.flatnonzero(columns)[np.argmin(observed_scores[columns])]
            columns = np.zeros_like(columns)
            columns[lowest] = True
        scores = question_scores[:, columns]
        present = ~np.isnan(scores)
        has_score = present.any(axis=1)
        if rule == "mean" or rule == "lowest_observed":  # one question: its mean is itself
            statistic = np.where(present, scores, 0.0).sum(axis=1)[has_score] / present.sum(axis=1)[has_score]
        else:
            statistic = np.where(present, scores, np.inf).min(axis=1)[has_score]
        low, high = np.percentile(statistic, INTERVAL_PERCENTILES)
        standard_error = float(np.std(statistic, ddof=1)) if statistic.size > 1 else 0.0
        intervals.append(BootstrapInterval(float(low), float(high), standard_error, int(statistic.size)))
    return intervals


def funnel_limits(target: float, standard_error: float, z: float) -> tuple[float, float]:
    """Control limits around the rest-of-group target for an area whose score has this standard error."""
    return max(0.0, target - z * standard_error), min(1.0, target + z * standard_error)


# score_rule -> (the bootstrap statistic of the published score's interval, of the funnel's null spread)
INTERVAL_RULES = {
    "mean_of_questions": ("mean", "mean"),
    "mean_of_key_questions": ("mean", "mean"),
    "lowest_key_question": ("lowest_observed", "lowest"),
}


def case_matrices(answers, questions: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(case keys in return order, sufficient, relevant) from case-answer rows of one or more inspections.

    answers: a frame with inspection_id, case_row, case_key, question_id, is_relevant,
    is_sufficient. Cases are ordered by inspection, then their row in the return: pseudonyms
    would make the order, and so the resamples, depend on the key.
    """
    cases = (
        answers[["inspection_id", "case_row", "case_key"]]
        .drop_duplicates()
        .sort_values(["inspection_id", "case_row", "case_key"], na_position="last")
    )
    index = list(zip(cases["inspection_id"], cases["case_key"], strict=True))
    answers = answers[answers["question_id"].isin(questions)]

    def matrix(flag: str) -> np.ndarray:
        wide = answers.pivot(index=["inspection_id", "case_key"], columns="question_id", values=flag)
        return wide.reindex(index=index, columns=questions).fillna(False).to_numpy(dtype=bool)

    return [key for _, key in index], matrix("is_sufficient"), matrix("is_relevant")
