"""Intervals and funnel limits (flows/uncertainty.py) against hand-worked and published figures."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from flows.core.uncertainty import (
    Z_95,
    bootstrap_outcome_intervals,
    case_matrices,
    funnel_limits,
    resample_weights,
    seed_for,
    wilson_interval,
)

# Wilson 95% intervals worked independently (by hand, from Wilson's formula with z = 1.96) for
# fractions the Hampshire report states, in percent to one decimal.
PUBLISHED_WILSON = {
    (39, 50): (64.8, 87.2),
    (60, 71): (74.3, 91.1),
    (33, 71): (35.4, 58.0),
    (26, 46): (42.2, 69.8),
    (16, 41): (25.7, 54.3),
    (6, 11): (28.0, 78.7),
    (4, 4): (51.0, 100.0),
}


@pytest.mark.parametrize(("fraction", "expected"), PUBLISHED_WILSON.items())
def test_wilson_matches_the_worked_figures(fraction, expected):
    low, high = wilson_interval(*fraction)
    assert (round(low * 100, 1), round(high * 100, 1)) == expected


def test_wilson_is_exact_at_the_ends_and_absent_without_cases():
    assert wilson_interval(0, 0) is None
    assert wilson_interval(0, 9)[0] == 0.0
    assert wilson_interval(9, 9)[1] == 1.0


def test_resample_weights_draw_the_requested_number_of_cases():
    weights = resample_weights(5, 100, seed_for("x"))
    assert weights.shape == (100, 5) and (weights.sum(axis=1) == 5).all()
    assert (resample_weights(5, 100, seed_for("x"), n_draws=12).sum(axis=1) == 12).all()


def _random_cases(rng, n_cases=9, n_questions=4):
    relevant = rng.random((n_cases, n_questions)) < 0.7
    sufficient = relevant & (rng.random((n_cases, n_questions)) < 0.6)
    return sufficient, relevant


def test_bootstrap_is_deterministic_per_inspection():
    sufficient, relevant = _random_cases(np.random.default_rng(1))
    member = np.array([[True, True, False, False], [False, True, True, True]])
    first = bootstrap_outcome_intervals(sufficient, relevant, member, "mean", seed_for("hampshire-2013"), 500)
    again = bootstrap_outcome_intervals(sufficient, relevant, member, "mean", seed_for("hampshire-2013"), 500)
    other = bootstrap_outcome_intervals(sufficient, relevant, member, "mean", seed_for("london-2014"), 500)
    assert first == again
    assert first != other


def test_bootstrap_recomputes_the_rule_in_every_resample():
    """Against a plain re-computation with fractions, resample by resample, from the same draws."""
    sufficient, relevant = _random_cases(np.random.default_rng(7), n_cases=7, n_questions=3)
    member = np.array([[True, True, True]])
    resamples = 300
    weights = resample_weights(7, resamples, seed_for("worked"))
    for rule, combine in (("mean", lambda s: sum(s) / len(s)), ("lowest", min)):
        expected = []
        for row in weights:
            scores = []
            for q in range(3):
                n = int(sum(w * r for w, r in zip(row, relevant[:, q], strict=True)))
                k = int(sum(w * s for w, s in zip(row, sufficient[:, q], strict=True)))
                if n:
                    scores.append(Fraction(k, n))
            if scores:
                expected.append(float(combine(scores)))
        (interval,) = bootstrap_outcome_intervals(sufficient, relevant, member, rule, seed_for("worked"), resamples)
        assert interval.n_resamples == len(expected)
        assert interval.low == pytest.approx(np.percentile(expected, 2.5), abs=1e-12)
        assert interval.high == pytest.approx(np.percentile(expected, 97.5), abs=1e-12)
        assert interval.standard_error == pytest.approx(np.std(expected, ddof=1), abs=1e-12)


def test_all_sufficient_has_a_point_interval_and_no_relevant_case_has_none():
    relevant = np.array([[True, False], [True, False], [True, False]])
    sufficient = relevant.copy()
    full, empty = bootstrap_outcome_intervals(
        sufficient, relevant, np.array([[True, False], [False, True]]), "mean", seed_for("x"), 200
    )
    assert (full.low, full.high, full.standard_error) == (1.0, 1.0, 0.0)
    assert empty is None


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError):
        bootstrap_outcome_intervals(np.ones((2, 1), bool), np.ones((2, 1), bool), np.ones((1, 1), bool), "median", seed_for("x"))


def test_cases_are_ordered_by_their_row_in_the_return_not_by_pseudonym():
    answers = pd.DataFrame(
        {
            "inspection_id": ["a", "a", "a", "a"],
            "case_row": [3, 3, 2, 2],
            "case_key": ["aaa", "aaa", "zzz", "zzz"],
            "question_id": ["q1", "q2", "q1", "q2"],
            "is_relevant": [True, True, True, False],
            "is_sufficient": [True, False, False, False],
        }
    )
    keys, sufficient, relevant = case_matrices(answers, ["q1", "q2"])
    assert keys == ["zzz", "aaa"]
    assert relevant.tolist() == [[True, False], [True, True]]
    assert sufficient.tolist() == [[False, False], [True, False]]


def test_funnel_limits_are_clipped_to_the_scale():
    assert funnel_limits(0.5, 0.1, Z_95) == pytest.approx((0.5 - 0.1959963984540054, 0.5 + 0.1959963984540054))
    assert funnel_limits(0.95, 0.1, Z_95) == (pytest.approx(0.95 - 0.1959963984540054), 1.0)


def test_lowest_observed_resamples_the_question_published_as_lowest():
    """Re-taking the minimum in each resample is biased low; the published interval follows the
    key question that is lowest in the data (the first of equals)."""
    rng = np.random.default_rng(3)
    sufficient, relevant = _random_cases(rng, n_cases=12, n_questions=4)
    member = np.array([[True, True, True, True]])
    observed = [sufficient[:, q].sum() / relevant[:, q].sum() for q in range(4)]
    lowest = int(np.argmin(observed))
    (of_lowest,) = bootstrap_outcome_intervals(sufficient, relevant, member, "lowest_observed", seed_for("y"), 400)
    only_it = np.zeros((1, 4), bool)
    only_it[0, lowest] = True
    (single,) = bootstrap_outcome_intervals(sufficient, relevant, only_it, "mean", seed_for("y"), 400)
    (re_minimised,) = bootstrap_outcome_intervals(sufficient, relevant, member, "lowest", seed_for("y"), 400)
    assert of_lowest == single
    assert re_minimised.low <= of_lowest.low
    assert of_lowest.low <= min(observed) <= of_lowest.high
