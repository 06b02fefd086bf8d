"""Back-test against the published Hampshire report (October 2013): committed ground truth, compared exactly."""

import csv
from pathlib import Path

GROUND_TRUTH = Path(__file__).parents[1] / "backtest"


def test_outcome_percentages_match_the_report(published):
    expected = {int(r["outcome_code"]): int(r["score_pct"]) for r in csv.DictReader((GROUND_TRUTH / "hampshire_2013_outcome_scores.csv").open())}
    actual = dict(published.execute(
        "select outcome_code, score_pct from marts.fct_outcome_scores where inspection_id = 'hampshire-2013'").fetchall())
    assert actual == expected == {1: 79, 2: 82, 3: 75, 4: 76, 5: 77}


def test_question_fractions_stated_in_the_report_are_reproduced(published):
    expected = {
        r["question_id"]: (int(r["n_sufficient"]), int(r["n_relevant"]))
        for r in csv.DictReader((GROUND_TRUTH / "hampshire_2013_question_fractions.csv").open())
    }
    assert len(expected) >= 4
    actual = {
        q: (k, n) for q, k, n in published.execute(
            "select question_id, n_sufficient, n_relevant from marts.fct_question_scores where inspection_id = 'hampshire-2013'").fetchall()
    }
    assert {q: actual[q] for q in expected} == expected
    # The four the issue names: alcohol 39/50, likelihood of reoffending 60/71, risk-of-harm review 33/71, oversight 16/41.
    assert sorted(expected[q] for q in ("q2.1.5", "q3.1.1", "q4.2.5", "q4.2.7")) == sorted([(39, 50), (60, 71), (33, 71), (16, 41)])


def test_sample_size_is_the_reports(published):
    assert published.execute("select n_cases from marts.dim_inspection where inspection_id = 'hampshire-2013'").fetchone() == (85,)


def test_outcome_intervals_are_the_committed_ones(published):
    """The seeded bootstrap gives the same intervals on every build and machine: any change to
    them (method, seed, resamples, library) must be a deliberate change of this file."""
    expected = [
        (int(r["outcome_code"]), int(r["score_pct"]), float(r["ci_low"]), float(r["ci_high"]), float(r["score_se"]))
        for r in csv.DictReader((GROUND_TRUTH / "hampshire_2013_outcome_intervals.csv").open())
    ]
    actual = published.execute(
        "select outcome_code, score_pct, ci_low, ci_high, score_se from marts.fct_outcome_scores "
        "where inspection_id = 'hampshire-2013' order by outcome_code"
    ).fetchall()
    assert actual == expected
    assert all(low < pct / 100 < high for _, pct, low, high, _ in actual)


def test_question_intervals_are_wilson_intervals(published):
    from flows.core.uncertainty import wilson_interval

    rows = published.execute(
        "select n_sufficient, n_relevant, ci_low, ci_high from marts.fct_question_scores "
        "union all select n_sufficient, n_relevant, ci_low, ci_high from marts.fct_group_question_scores"
    ).fetchall()
    assert len(rows) > 500
    for k, n, low, high in rows:
        expected = wilson_interval(k, n)
        if expected is None:
            assert (low, high) == (None, None)
        else:
            assert abs(low - expected[0]) < 1e-12 and abs(high - expected[1]) < 1e-12, (k, n)
    # the worked figure for the report's 39 of 50 alcohol cases: 64.8% to 87.2%
    low, high = published.execute(
        "select ci_low, ci_high from marts.fct_question_scores where inspection_id = 'hampshire-2013' and question_id = 'q2.1.5'"
    ).fetchone()
    assert (round(low * 100, 1), round(high * 100, 1)) == (64.8, 87.2)
