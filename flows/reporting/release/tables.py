"""The tables of a statistical release, read from a warehouse cut to what the release may hold.

Each table is declared once (`RELEASE_TABLES`): its query (`flows/reporting/sql/release/<name>.sql`,
read as every report query is), the mart its columns come from (their descriptions are that mart's
dbt column docs), the columns with their types, and the rule that gives each row its status.
Percentages of 0-1 fractions are derived as the group report's CSV tables derive them
(`flows.reporting.tables.Percentage`, rounded half up once, one decimal), so a figure reads the
same in a report and in a release.

Status (the Government Statistical Service's shorthand, one column per table): a withheld value
is an empty cell and its row's status says why: [c] withheld under the disclosure rule, [x] not
available, [z] not applicable, [p] provisional (the group is not complete). [r] is added later,
by the comparison with the previous release (`flows.reporting.release.revisions`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from flows.core.figures import missing
from flows.reporting import sql
from flows.reporting.release.model import STATUS_COLUMN, STATUS_MARKERS, ReleaseColumn, ReleaseTable
from flows.reporting.tables import DERIVED_COLUMNS, Percentage
from flows.storage.published import PublishedFile

# Columns no mart has: described here. Every other column's description is its mart's.
RELEASE_COLUMNS = {
    STATUS_COLUMN: "Why a value of this row is empty or may change, in the Government Statistical Service's "
    "shorthand: " + "; ".join(f"{marker} {meaning}" for marker, meaning in STATUS_MARKERS.items())
    + ". Empty when every value is published and final.",
    "unit_id": "The inspection (results_level 'inspection') or group (results_level 'group') the row describes.",
    "report_published_on": "The date the inspection's report was published: its figures are in releases whose "
    "cut-off is on or after it, and in none before (the embargo).",
    "score_pct": "The score as a whole percentage, rounded half up once from its exact value.",
}


StatusRule = Callable[[Any, int], tuple[tuple[str, ...], tuple[str, ...]]]  # -> (markers, columns withheld)


def _none(record: Any, threshold: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (), ()


def _score_status(record: Any, threshold: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # No case was relevant to any question of the outcome: nothing to score.
    return (("[x]",), ()) if missing(record.score) else ((), ())


def _question_status(record: Any, threshold: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not record.n_relevant:
        return ("[z]",), ()  # the question applied to none of the cases read
    if record.n_relevant < threshold:
        # Fewer cases than the disclosure threshold: how many, and how they were judged, withheld.
        return ("[c]",), ("n_relevant", "n_sufficient", "score_pct", "ci_low_pct", "ci_high_pct")
    return (), ()


def _group_status(record: Any, threshold: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    markers = () if record.is_complete else ("[p]",)
    return (*markers, *(("[x]",) if missing(record.pooled_score) else ())), ()


def _comparison_status(record: Any, threshold: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    markers = () if record.is_complete else ("[p]",)
    # The first area of a group has no rest of the group to be compared with.
    return (*markers, *(("[z]",) if missing(record.rest_of_group_score) else ())), ()


def _survey_status(record: Any, threshold: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # The mart has already emptied the withheld counts and shares (dbt macro disclosed_counts).
    return (("[c]",), ()) if record.suppressed else ((), ())


def _victim_status(record: Any, threshold: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    markers = ("[p]",) if record.results_level == "group" and not record.is_complete else ()
    return (*markers, *(("[c]",) if record.suppressed else ())), ()


def _context_status(record: Any, threshold: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (("[x]",), ()) if missing(record.value) or missing(record.national_value) else ((), ())


Column = tuple[str, str] | tuple[Percentage, str]  # (query column or Percentage, frictionless type)


@dataclass(frozen=True)
class ReleaseTableSpec:
    name: str  # query sql/release/<name>.sql, file stem, sheet
    title: str
    description: str
    source: str  # the mart its columns are described by
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    status: StatusRule = _none
    sheet_name: str = ""

    @property
    def column_names(self) -> list[str]:
        return [_column_name(column) for column, _ in self.columns]


def _column_name(column: str | Percentage) -> str:
    return column if isinstance(column, str) else column.name


def pct(name: str, fraction: str) -> tuple[Percentage, str]:
    return Percentage(name, fraction), "number"


RELEASE_TABLES: tuple[ReleaseTableSpec, ...] = (
    ReleaseTableSpec(
        "inspections", "Inspections in this release",
        "One row per inspection whose report was published by the release's cut-off.",
        "dim_inspection",
        (("inspection_id", "string"), ("area", "string"), ("group_id", "string"), ("group_theme", "string"),
         ("position_in_group", "integer"), ("fieldwork_start", "date"), ("methodology", "string"),
         ("n_cases", "integer"), ("report_published_on", "date")),
        ("inspection_id",), sheet_name="Inspections"),
    ReleaseTableSpec(
        "outcome_scores", "Outcome scores by inspection, with 95% intervals",
        "One row per inspection and outcome: the share of the case assessment questions answered well, "
        "under the inspection's methodology, with a 95% bootstrap interval.",
        "fct_outcome_scores",
        (("inspection_id", "string"), ("area", "string"), ("group_id", "string"), ("outcome_code", "integer"),
         ("outcome_name", "string"), ("methodology", "string"), ("n_cases", "integer"), ("n_questions", "integer"),
         ("score_pct", "integer"), pct("ci_low_pct", "ci_low"), pct("ci_high_pct", "ci_high"), ("rating", "string")),
        ("inspection_id", "outcome_code"), _score_status, sheet_name="Outcome scores"),
    ReleaseTableSpec(
        "question_scores", "Question scores by inspection, with numerators and denominators",
        "One row per inspection and question: of the cases the question was relevant to (n_relevant), how many "
        "were judged sufficient (n_sufficient), and that share with a 95% Wilson interval.",
        "fct_question_scores",
        (("inspection_id", "string"), ("question_id", "string"), ("criterion_code", "string"), ("methodology", "string"),
         ("n_relevant", "integer"), ("n_sufficient", "integer"), ("score_pct", "integer"),
         pct("ci_low_pct", "ci_low"), pct("ci_high_pct", "ci_high")),
        ("inspection_id", "question_id"), _question_status, sheet_name="Question scores"),
    ReleaseTableSpec(
        "group_outcome_scores", "Group aggregates by outcome",
        "One row per group of inspections and outcome, over the group's inspections in this release: "
        "the pooled score (cases pooled per question), the mean, lowest and highest area score. "
        "Provisional [p] until all the group's inspections are in.",
        "fct_group_outcome_scores",
        (("group_id", "string"), ("group_theme", "string"), ("outcome_code", "integer"), ("outcome_name", "string"),
         ("methodology", "string"), ("n_inspections", "integer"), ("n_inspections_scored", "integer"),
         ("pooled_score_pct", "integer"), ("pooled_rating", "string"), pct("mean_score_pct", "mean_score"),
         pct("min_score_pct", "min_score"), pct("max_score_pct", "max_score"), ("n_areas_outside_95", "integer"),
         ("n_areas_outside_998", "integer"), ("first_fieldwork_start", "date"), ("last_fieldwork_start", "date")),
        ("group_id", "outcome_code"), _group_status, sheet_name="Group aggregates"),
    ReleaseTableSpec(
        "area_group_comparisons", "Funnel comparisons: each area against the rest of its group",
        "One row per inspection and outcome: the area's score beside the pooled score of the rest of its group, "
        "with 95% and 99.8% funnel limits for a sample of the area's size.",
        "fct_area_group_comparisons",
        (("group_id", "string"), ("inspection_id", "string"), ("area", "string"), ("outcome_code", "integer"),
         ("outcome_name", "string"), ("n_cases", "integer"), ("score_pct", "integer"),
         ("rest_of_group_n_inspections", "integer"), ("rest_of_group_score_pct", "integer"),
         pct("difference_pp", "difference"), pct("lower_95_pct", "lower_95"), pct("upper_95_pct", "upper_95"),
         pct("lower_998_pct", "lower_998"), pct("upper_998_pct", "upper_998"), ("funnel_position", "string")),
        ("inspection_id", "outcome_code"), _comparison_status, sheet_name="Funnel comparisons"),
    ReleaseTableSpec(
        "survey_results", "Offender survey results by area, under disclosure control",
        "One row per survey, area, question and answer: how many respondents gave the answer, for the areas with "
        "an inspection in this release. Counts of people below the disclosure threshold are withheld [c].",
        "fct_survey_results",
        (("survey_id", "string"), ("survey_year", "integer"), ("area", "string"), ("question_id", "string"),
         ("answer_option", "string"), ("option_order", "integer"), ("n_respondents", "integer"), ("n_option", "integer"),
         pct("share_pct", "share")),
        ("survey_id", "area", "question_id", "answer_option"), _survey_status, sheet_name="Offender survey"),
    ReleaseTableSpec(
        "victim_results", "Victim questionnaire results, under disclosure control",
        "One row per inspection (or group, pooled), question and answer. Counts of people below the disclosure "
        "threshold are withheld [c]; group rows are provisional [p] until the group is complete.",
        "fct_victim_results",
        (("results_level", "string"), ("unit_id", "string"), ("inspection_id", "string"), ("group_id", "string"),
         ("n_inspections_pooled", "integer"), ("question_id", "string"), ("answer_option", "string"),
         ("option_order", "integer"), ("n_respondents", "integer"), ("n_option", "integer"), pct("share_pct", "share")),
        ("results_level", "unit_id", "question_id", "answer_option"), _victim_status, sheet_name="Victim questionnaire"),
    ReleaseTableSpec(
        "area_context", "Area context beside England and Wales",
        "One row per inspection and measure: the area's demographic and caseload context, the national figure and "
        "the difference.",
        "dim_area_context",
        (("inspection_id", "string"), ("area", "string"), ("measure", "string"), ("measure_label", "string"),
         ("unit", "string"), ("geography", "string"), ("value", "number"), ("period", "string"), ("source", "string"),
         ("national_geography", "string"), ("national_value", "number"), ("national_period", "string"),
         ("national_source", "string"), ("difference_from_national", "number")),
        ("inspection_id", "measure"), _context_status, sheet_name="Area context"),
)


def describe(published: PublishedFile, source: str, column: str) -> str:
    return RELEASE_COLUMNS.get(column) or DERIVED_COLUMNS.get(column) or published.describe(source, column) or column


def _value(record: Any, column: str | Percentage, extra: dict[str, Any]) -> Any:
    if isinstance(column, Percentage):
        return column.value(record)
    if column in extra:
        return extra[column]
    value = getattr(record, column)
    return None if missing(value) else value


def join_markers(markers: Sequence[str]) -> str:
    """'[p] [r]': each marker once, in the order STATUS_MARKERS lists them."""
    present = set(markers)
    return " ".join(marker for marker in STATUS_MARKERS if marker in present)


def read_release_table(published: PublishedFile, spec: ReleaseTableSpec, threshold: int,
                       report_dates: dict[str, dt.date]) -> ReleaseTable:
    """One table of the release, from the (scope-built) warehouse open in `published`."""
    records = sql.records(published, f"release/{spec.name}")
    names = spec.column_names
    rows = []
    for record in records:
        extra = {"report_published_on": report_dates.get(record.inspection_id)} if spec.name == "inspections" else {}
        values = {name: _value(record, column, extra) for name, (column, _) in zip(names, spec.columns, strict=True)}
        markers, withheld = spec.status(record, threshold)
        for name in withheld:
            values[name] = None
        values[STATUS_COLUMN] = join_markers(markers)
        rows.append(values)
    columns = tuple(
        ReleaseColumn(name, kind, name.replace("_", " ").capitalize(), describe(published, spec.source, name))
        for name, (_, kind) in zip(names, spec.columns, strict=True)
    ) + (ReleaseColumn(STATUS_COLUMN, "string", "Status", RELEASE_COLUMNS[STATUS_COLUMN]),)
    frame = typed_frame(pd.DataFrame(rows, columns=[column.name for column in columns]), columns)
    return ReleaseTable(spec.name, spec.title, spec.description, columns, spec.primary_key, frame, spec.sheet_name)


def typed_frame(frame: pd.DataFrame, columns: Sequence[ReleaseColumn]) -> pd.DataFrame:
    """Each column as its declared type: integers stay integers with a missing value among them."""
    for column in columns:
        if column.type == "integer":
            frame[column.name] = pd.array(frame[column.name].tolist(), dtype="Int64")
        elif column.type == "number":
            frame[column.name] = pd.array(frame[column.name].tolist(), dtype="Float64")
        elif column.type == "date":
            frame[column.name] = frame[column.name].astype("object")
        elif column.type == "string":
            frame[column.name] = frame[column.name].astype("object").where(frame[column.name].notna(), None)
    return frame


def read_release_tables(published: PublishedFile, threshold: int, report_dates: dict[str, dt.date]) -> list[ReleaseTable]:
    return [read_release_table(published, spec, threshold, report_dates) for spec in RELEASE_TABLES]
