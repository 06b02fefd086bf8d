"""dbt-duckdb plugin: registers the exact scoring functions on every dbt connection.

Declared in dbt/profiles.yml (`plugins: - module: flows.storage.duckdb_functions`). The published marts
are plain tables, so analysts never need these functions; only the build does.

    iaow_ratio_stat(rule VARCHAR, n_sufficient BIGINT[], n_relevant BIGINT[]) -> DOUBLE
    iaow_ratio_stat_pct(rule VARCHAR, n_sufficient BIGINT[], n_relevant BIGINT[]) -> INTEGER
    iaow_mean_of_group_means(groups VARCHAR[], n_sufficient BIGINT[], n_relevant BIGINT[]) -> DOUBLE
    iaow_mean_of_group_means_pct(groups VARCHAR[], n_sufficient BIGINT[], n_relevant BIGINT[]) -> INTEGER

`rule` is a score rule of flows.core.scoring.RATIO_STATISTICS (`mean_of_questions`,
`lowest_key_question`, `pooled_cases`, ...). The lists hold the questions' counts in the same order
(aggregate them with the same ORDER BY); questions with n_relevant = 0 have no score and are
left out.
"""

from __future__ import annotations

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb.sqltypes import BIGINT, DOUBLE, INTEGER, VARCHAR

from flows.core.scoring import as_float, mean_of_group_means, percentage, ratio_statistic


def _ratio_stat(rule: str | None, n_sufficient: list[int] | None, n_relevant: list[int] | None) -> float | None:
    if rule is None or n_sufficient is None or n_relevant is None:
        return None
    return as_float(ratio_statistic(rule, n_sufficient, n_relevant))


def _ratio_stat_pct(rule: str | None, n_sufficient: list[int] | None, n_relevant: list[int] | None) -> int | None:
    if rule is None or n_sufficient is None or n_relevant is None:
        return None
    return percentage(ratio_statistic(rule, n_sufficient, n_relevant))


def _group_means(groups: list[str] | None, n_sufficient: list[int] | None, n_relevant: list[int] | None) -> float | None:
    if groups is None or n_sufficient is None or n_relevant is None:
        return None
    return as_float(mean_of_group_means(groups, n_sufficient, n_relevant))


def _group_means_pct(groups: list[str] | None, n_sufficient: list[int] | None, n_relevant: list[int] | None) -> int | None:
    if groups is None or n_sufficient is None or n_relevant is None:
        return None
    return percentage(mean_of_group_means(groups, n_sufficient, n_relevant))


def register(connection: duckdb.DuckDBPyConnection) -> None:
    counts = [duckdb.list_type(BIGINT), duckdb.list_type(BIGINT)]
    by_rule = [VARCHAR, *counts]
    by_group = [duckdb.list_type(VARCHAR), *counts]
    for name, function, parameters, returns in (
        ("iaow_ratio_stat", _ratio_stat, by_rule, DOUBLE),
        ("iaow_ratio_stat_pct", _ratio_stat_pct, by_rule, INTEGER),
        ("iaow_mean_of_group_means", _group_means, by_group, DOUBLE),
        ("iaow_mean_of_group_means_pct", _group_means_pct, by_group, INTEGER),
    ):
        try:
            connection.remove_function(name)
        except Exception:  # not registered yet on this connection
            pass
        connection.create_function(name, function, parameters, returns, null_handling="special", side_effects=False)


class Plugin(BasePlugin):
    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        register(conn)
