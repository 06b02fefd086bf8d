"""dbt-duckdb plugin: registers the exact scoring functions on every dbt connection.

Declared in dbt/profiles.yml (`plugins: - module: flows.duckdb_functions`). The published marts
are plain tables, so analysts never need these functions; only the build does.

    iaow_mean_ratio(n_sufficient BIGINT[], n_relevant BIGINT[]) -> DOUBLE
    iaow_mean_ratio_pct(n_sufficient BIGINT[], n_relevant BIGINT[]) -> INTEGER

Both take the questions' counts as two lists in the same order (aggregate them with the same
ORDER BY) and skip questions with n_relevant = 0.
"""

from __future__ import annotations

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb.sqltypes import BIGINT, DOUBLE, INTEGER

from flows.scoring import as_float, mean_of_ratios, percentage


def _mean_ratio(n_sufficient: list[int] | None, n_relevant: list[int] | None) -> float | None:
    if n_sufficient is None or n_relevant is None:
        return None
    return as_float(mean_of_ratios(n_sufficient, n_relevant))


def _mean_ratio_pct(n_sufficient: list[int] | None, n_relevant: list[int] | None) -> int | None:
    if n_sufficient is None or n_relevant is None:
        return None
    return percentage(mean_of_ratios(n_sufficient, n_relevant))


def register(connection: duckdb.DuckDBPyConnection) -> None:
    counts = [duckdb.list_type(BIGINT), duckdb.list_type(BIGINT)]
    for name, function, returns in (
        ("iaow_mean_ratio", _mean_ratio, DOUBLE),
        ("iaow_mean_ratio_pct", _mean_ratio_pct, INTEGER),
    ):
        try:
            connection.remove_function(name)
        except Exception:  # not registered yet on this connection
            pass
        connection.create_function(name, function, counts, returns, null_handling="special", side_effects=False)


class Plugin(BasePlugin):
    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        register(conn)
