"""Exact scoring arithmetic against hand-computed cases, and the DuckDB functions dbt uses."""

from fractions import Fraction

import duckdb
import pytest

from flows.storage.duckdb_functions import register
from flows.core.scoring import (
    lowest_of_ratios,
    mean_of_group_means,
    mean_of_ratios,
    percentage,
    pooled_ratio,
    question_score,
    ratio_statistic,
    round_half_up,
)


def test_question_score_is_sufficient_over_relevant():
    assert question_score(39, 50) == Fraction(39, 50)
    assert question_score(0, 7) == 0


def test_question_with_no_relevant_case_has_no_score():
    assert question_score(0, 0) is None


def test_mean_leaves_out_questions_without_a_score():
    # (1/2 + 1/4) / 2, not / 3: the question with no relevant case is not a zero.
    assert mean_of_ratios([1, 0, 1], [2, 0, 4]) == Fraction(3, 8)


def test_mean_of_nothing_scored_is_no_score():
    assert mean_of_ratios([0, 0], [0, 0]) is None
    assert percentage(None) is None


def test_mean_is_unweighted_not_pooled():
    # 40/80 and 9/10: mean 70%, whereas the pooled proportion 49/90 would be 54%.
    assert percentage(mean_of_ratios([40, 9], [80, 10])) == 70


@pytest.mark.parametrize(
    "value, expected",
    [(Fraction(157, 2), 79), (Fraction(785, 10), 79), (Fraction(7849, 100), 78), (Fraction(1, 2), 1), (Fraction(0), 0), (Fraction(100), 100)],
)
def test_round_half_up_on_the_exact_value(value, expected):
    assert round_half_up(value) == expected


def test_exact_rounding_where_floating_point_is_a_hair_below_half():
    # Questions 1/1 and 3/20: exactly 57.5% -> 58. In floating point the mean is
    # 57.49999999999999 and ordinary rounding would publish 57.
    float_value = (1 / 1 + 3 / 20) / 2 * 100
    assert float_value < 57.5
    assert percentage(mean_of_ratios([1, 3], [1, 20])) == 58


def test_one_in_eight_publishes_as_thirteen():
    assert percentage(question_score(1, 8)) == 13


def test_lists_of_different_length_are_an_error():
    with pytest.raises(ValueError):
        mean_of_ratios([1], [1, 2])


def test_duckdb_functions_match_the_python_reference():
    connection = duckdb.connect()
    register(connection)
    row = connection.execute(
        "select iaow_ratio_stat('mean_of_questions', [1, 3]::bigint[], [1, 20]::bigint[]), "
        "iaow_ratio_stat_pct('mean_of_questions', [1, 3]::bigint[], [1, 20]::bigint[]), "
        "iaow_ratio_stat('mean_of_questions', [0]::bigint[], [0]::bigint[]), "
        "iaow_ratio_stat_pct('mean_of_questions', null::bigint[], null::bigint[]), "
        "iaow_ratio_stat_pct('lowest_key_question', [1, 3, 0]::bigint[], [1, 20, 0]::bigint[]), "
        "iaow_ratio_stat_pct('pooled_cases', [1, 3, 0]::bigint[], [1, 20, 0]::bigint[]), "
        "iaow_mean_of_group_means_pct(['a', 'a', 'b']::varchar[], [1, 1, 1]::bigint[], [2, 1, 4]::bigint[])"
    ).fetchone()
    # lowest 3/20 = 15%; pooled 4/21 = 19.05%; by group ((1/2 + 1)/2 + 1/4)/2 = 50%
    assert row == (0.575, 58, None, None, 15, 19, 50)


def test_integer_sql_rounding_macro_formula_matches_reference():
    # dbt/macros/round_half_up_pct.sql: floor((200k + n) / 2n) for one question's percentage.
    for n in range(1, 120):
        for k in range(n + 1):
            assert (200 * k + n) // (2 * n) == percentage(Fraction(k, n))


def test_lowest_pooled_and_group_means_leave_out_questions_without_a_relevant_case():
    assert lowest_of_ratios([0, 3], [0, 4]) == Fraction(3, 4)
    assert lowest_of_ratios([0], [0]) is None
    assert pooled_ratio([1, 3, 0], [2, 4, 0]) == Fraction(4, 6)
    assert pooled_ratio([0], [0]) is None
    # criterion a: (1/2 + 1/1)/2 = 3/4, criterion b: 1/4, criterion c has no score -> (3/4 + 1/4)/2
    assert mean_of_group_means(["a", "a", "b", "c"], [1, 1, 1, 0], [2, 1, 4, 0]) == Fraction(1, 2)


def test_an_unknown_scoring_rule_is_refused():
    with pytest.raises(ValueError, match="unknown scoring rule"):
        ratio_statistic("median", [1], [2])
