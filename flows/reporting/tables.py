"""What the reports show, read from the published warehouse only, in one read-only snapshot.

One connection serves every query of a report, so a publication swapping the file while a
report renders cannot mix two publications in one report (the open handle keeps the old file).
Each table a chart is drawn from is a `ReportTable`: written beside the report as CSV with a key
to its columns, the key taken from the column descriptions the published file carries.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

# Columns the reports derive (percentages of fractions, say), described here; every other
# column's description is the comment the published mart carries (dbt's column description).
DERIVED_COLUMNS = {
    "ci_low_pct": "Lower end of the 95% interval of the score, as a percentage (one decimal).",
    "ci_high_pct": "Upper end of the 95% interval of the score, as a percentage (one decimal).",
    "difference_pp": "The area's score minus the rest of its group's, in percentage points (one decimal).",
    "null_score_se_pp": "Standard error of the comparison in percentage points: the spread of the score of a sample "
    "of the area's size drawn from the rest of the group's cases. Funnel limits are ±1.96 and ±3.09 times it.",
    "lower_95_pct": "Lower 95% funnel limit around the rest of the group's score, as a percentage (one decimal).",
    "upper_95_pct": "Upper 95% funnel limit, as a percentage (one decimal).",
    "lower_998_pct": "Lower 99.8% funnel limit, as a percentage (one decimal).",
    "upper_998_pct": "Upper 99.8% funnel limit, as a percentage (one decimal).",
    "share_pct": "Share of respondents giving this answer, as a percentage (one decimal); empty when withheld.",
    "criterion_title": "Title of the criterion (dim_criterion.title).",
    "question_text": "Wording of the question as the case assessment tool asks it.",
    "group_pooled_score_pct": "The group's pooled score for the outcome (fct_group_outcome_scores.pooled_score_pct).",
    "national_value": "The same measure for England and Wales (the national comparator).",
    "mean_score_pct": "Unweighted mean of the areas' scores for the outcome, as a percentage (one decimal).",
    "min_score_pct": "Lowest area score in the group for the outcome, as a percentage (one decimal).",
    "max_score_pct": "Highest area score in the group for the outcome, as a percentage (one decimal).",
}


@dataclass
class ReportTable:
    """A table behind a chart: a CSV file and a key to its columns."""

    name: str  # file stem under tables/
    caption: str
    source: str  # the mart its columns come from, for their descriptions
    columns: list[str]
    rows: list[tuple]
    key: dict[str, str] = field(default_factory=dict)

    def csv_text(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return buffer.getvalue()


class Snapshot:
    """The published warehouse, opened read-only once for a whole report."""

    def __init__(self, published_db: Path):
        self.path = published_db
        self.connection = duckdb.connect(str(published_db), read_only=True)
        self._comments: dict[tuple[str, str], str] | None = None

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *exc) -> None:
        self.connection.close()

    def rows(self, sql: str, params: Sequence | None = None) -> list[tuple]:
        return self.connection.execute(sql, list(params or [])).fetchall()

    def table(self, name: str, caption: str, source: str, sql: str, params: Sequence | None = None) -> ReportTable:
        cursor = self.connection.execute(sql, list(params or []))
        columns = [description[0] for description in cursor.description]
        table = ReportTable(name, caption, source, columns, cursor.fetchall())
        table.key = {column: self.describe(source, column) for column in columns}
        return table

    def describe(self, source: str, column: str) -> str:
        if self._comments is None:
            self._comments = {
                (table, column): comment or ""
                for table, column, comment in self.rows(
                    "select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts'"
                )
            }
        if column in DERIVED_COLUMNS:
            return DERIVED_COLUMNS[column]
        found = self._comments.get((source, column))
        if found:
            return found
        # a column joined in from another mart keeps that mart's description
        return next((comment for (_, name), comment in sorted(self._comments.items()) if name == column and comment), "")
