"""The tables behind the group report's charts and lists, read from the published file in one
read-only snapshot, each written beside the report as CSV with a key to its columns.

One open `PublishedFile` serves every query of a report, so a publication swapping the file while
a report renders cannot mix two publications in one report (the open handle keeps the old file).

A table's query (`sql/<name>.sql`) returns exact values; the CSV's percentage columns
(`ci_low_pct`, one decimal, say) are derived here from the exact 0-1 fraction by
`figures.percentage_value`, rounded half up once, never by SQL `round()`. The report draws its
charts from the same records (`ReportTable.records`), at their exact values.

Text from returns (an area, a theme) reaches these CSV files: every text cell goes through
`flows.core.inert.spreadsheet_safe`, so a spreadsheet shows it and never evaluates it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from flows.core import figures
from flows.core.inert import spreadsheet_safe_row
from flows.reporting import sql
from flows.storage.published import PublishedFile

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


@dataclass(frozen=True)
class Percentage:
    """A CSV column derived from a 0-1 fraction of the query: `name` = its percentage to `digits` decimals."""

    name: str
    fraction: str
    digits: int = 1

    def value(self, record: Any) -> float | int | None:
        return figures.percentage_value(getattr(record, self.fraction), self.digits)


Column = str | Percentage


@dataclass(frozen=True)
class TableSpec:
    """A table behind the report: its query, the mart its columns come from, and its CSV columns
    (a name copies the query's column; a `Percentage` derives one)."""

    name: str  # the query under sql/ and the file stem under tables/
    caption: str
    source: str  # the mart its columns come from, for their descriptions
    columns: tuple[Column, ...]


def _name(column: Column) -> str:
    return column if isinstance(column, str) else column.name


@dataclass
class ReportTable:
    """A table behind a chart: the query's records (exact values, for the page) and its CSV rows
    (for the file beside the report), with a key to the CSV's columns."""

    name: str
    caption: str
    source: str
    columns: list[str]
    rows: list[tuple]
    records: list[Any] = field(default_factory=list)
    key: dict[str, str] = field(default_factory=dict)

    def csv_text(self) -> str:
        """The table as CSV, every text cell one no spreadsheet evaluates (`inert.spreadsheet_safe`:
        an area written `=HYPERLINK(...)` is written `'=HYPERLINK(...)`); numbers stay numbers."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(spreadsheet_safe_row(self.columns))
        writer.writerows(spreadsheet_safe_row(row) for row in self.rows)
        return buffer.getvalue()


def read_table(published: PublishedFile, spec: TableSpec, *params: Any) -> ReportTable:
    records = sql.records(published, spec.name, *params)
    columns = [_name(column) for column in spec.columns]
    rows = [
        tuple(getattr(record, column) if isinstance(column, str) else column.value(record) for column in spec.columns)
        for record in records
    ]
    key = {column: DERIVED_COLUMNS.get(column) or published.describe(spec.source, column) for column in columns}
    return ReportTable(spec.name, spec.caption, spec.source, columns, rows, records, key)


def key_table(tables: dict[str, ReportTable]) -> ReportTable:
    """`tables/key.csv`: every column of every table, with what it means."""
    rows = [(t.name, c, t.key.get(c, "")) for t in tables.values() for c in t.columns]
    return ReportTable("key", "", "", ["table", "column", "description"], rows)


GROUP_TABLES = (
    TableSpec("headline_scores", "Outcome scores of each area with 95% intervals, and the group's pooled score", "fct_outcome_scores", (
        "group_id", "inspection_id", "area", "position_in_group", "n_cases", "outcome_code", "outcome_name", "score_pct",
        Percentage("ci_low_pct", "ci_low"), Percentage("ci_high_pct", "ci_high"), "rating", "group_pooled_score_pct",
        "methodology", "publication_id")),
    TableSpec("group_scores", "The group's pooled score per outcome", "fct_group_outcome_scores", (
        "group_id", "outcome_code", "outcome_name", "n_inspections", "n_inspections_scored", "pooled_score_pct", "pooled_rating",
        Percentage("mean_score_pct", "mean_score"), Percentage("min_score_pct", "min_score"), Percentage("max_score_pct", "max_score"),
        "n_areas_outside_95", "n_areas_outside_998", "is_complete", "methodology")),
    TableSpec("funnel", "Each area against the rest of its group, with funnel limits", "fct_area_group_comparisons", (
        "group_id", "inspection_id", "area", "outcome_code", "outcome_name", "n_cases", "score_pct", "rest_of_group_score_pct",
        Percentage("difference_pp", "difference"), Percentage("null_score_se_pp", "null_score_se", 2),
        Percentage("lower_95_pct", "lower_95"), Percentage("upper_95_pct", "upper_95"),
        Percentage("lower_998_pct", "lower_998"), Percentage("upper_998_pct", "upper_998"), "funnel_position")),
    TableSpec("question_scores", "Question scores of each area and of the group (pooled)", "fct_question_scores", (
        "area", "inspection_id", "question_id", "criterion_code", "criterion_title", "question_text",
        "n_relevant", "n_sufficient", "score_pct", Percentage("ci_low_pct", "ci_low"), Percentage("ci_high_pct", "ci_high"))),
    TableSpec("group_question_scores", "Question scores of the group, cases pooled", "fct_group_question_scores", (
        "group_id", "question_id", "criterion_code", "criterion_title", "question_text", "n_inspections",
        "n_relevant", "n_sufficient", "score_pct", Percentage("ci_low_pct", "ci_low"), Percentage("ci_high_pct", "ci_high"))),
    TableSpec("survey_results", "Offender survey results of the group's areas, after disclosure control", "fct_survey_results", (
        "survey_id", "survey_year", "area", "question_id", "answer_option", "option_order", "answer_type", "n_respondents", "n_option",
        Percentage("share_pct", "share"), "suppressed", "suppression_reason", "disclosure_threshold")),
    TableSpec("victim_results", "Victim questionnaire results, after disclosure control", "fct_victim_results", (
        "results_level", "inspection_id", "area", "group_id", "n_inspections_pooled", "question_id", "answer_option",
        "option_order", "n_respondents", "n_option", Percentage("share_pct", "share"), "suppressed", "suppression_reason",
        "disclosure_threshold")),
    TableSpec("area_context", "Each area's context beside England and Wales", "dim_area_context", (
        "inspection_id", "area", "measure", "measure_label", "unit", "geography", "value", "period", "national_geography",
        "national_value", "difference_from_national", "source")),
)


def group_tables(published: PublishedFile, group_id: str) -> dict[str, ReportTable]:
    """Every table behind the group report's charts and lists, as published."""
    return {spec.name: read_table(published, spec, group_id) for spec in GROUP_TABLES}
