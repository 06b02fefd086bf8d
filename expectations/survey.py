"""Suites for an offender survey delivery: survey.yaml, responses.csv, and the options ticked in
its multi-select questions (checked on a long copy: one row per ticked option, same row numbers)."""

from __future__ import annotations

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd

from expectations.inspection import SLUG
from expectations.rules import exact_columns, one_of, required, rule, suite, unique
from flows.core.catalogue import AREAS_CODE_LIST, MULTI_SEPARATOR, Catalogue, SurveyQuestion, ticked_options
from flows.core.findings import Finding

REQUIRED_KEYS = ["survey_id", "survey_year"]
OPTIONAL_KEYS = ["synthetic"]  # as in inspection.yaml: demo and test data say so
KEYS = REQUIRED_KEYS + OPTIONAL_KEYS


def header_suite(delivery_name: str) -> gx.ExpectationSuite:
    return suite(
        "survey",
        [
            exact_columns("survey", KEYS),
            *[required("survey", key) for key in REQUIRED_KEYS],
            rule(
                gxe.ExpectColumnValuesToMatchRegex,
                "survey.survey_id.slug",
                "must be lower-case letters, digits and hyphens, 3-64 characters (e.g. noms-offender-survey-2012)",
                column="survey_id",
                regex=SLUG,
            ),
            rule(
                gxe.ExpectColumnValuesToBeInSet,
                "survey.survey_id.matches_name",
                f"must match the name of the delivery folder ({delivery_name})",
                column="survey_id",
                value_set=[delivery_name],
            ),
            rule(
                gxe.ExpectColumnValuesToMatchRegex,
                "survey.survey_year.year",
                "must be a year from 2000 to 2099",
                column="survey_year",
                regex=r"^20[0-9][0-9]$",
            ),
            one_of("survey", "synthetic", ["true", "false"], "boolean"),
        ],
    )


def columns(catalogue: Catalogue) -> list[str]:
    return ["response_id", "area", *[q.question_id for q in catalogue.survey_questions]]


def allowed_areas(catalogue: Catalogue, known_areas: list[str], synthetic: bool | None = None) -> list[str]:
    """The areas a delivery's responses may name: the known areas that are in the code list of
    areas (AREAS_CODE_LIST). Its invented (synthetic) areas: every one when the delivery's
    survey.yaml says `synthetic: true`, none when it says it is real; when the caller does not say
    (None), only those already known (the area of a published synthetic inspection)."""
    invented = set(catalogue.synthetic_areas)
    allowed = set(known_areas) & {*catalogue.probation_areas, *invented}
    if synthetic is True:
        allowed |= invented
    elif synthetic is False:
        allowed -= invented
    return sorted(allowed)


def responses_suite(catalogue: Catalogue, known_areas: list[str], synthetic: bool | None = None) -> gx.ExpectationSuite:
    """synthetic: what the delivery's survey.yaml says (`synthetic: true` -> True, else False);
    None when the caller does not pass it (see `allowed_areas`)."""
    single = [q for q in catalogue.survey_questions if q.answer_type == "single"]
    return suite(
        "responses",
        [
            exact_columns("responses", columns(catalogue)),
            rule(
                gxe.ExpectTableRowCountToBeBetween,
                "responses.not_empty",
                "a delivery must hold at least one response",
                min_value=1,
            ),
            required("responses", "response_id"),
            unique("responses", "response_id", "response_id"),
            required("responses", "area"),
            rule(
                gxe.ExpectColumnValuesToBeInSet,
                "responses.area.known",
                f"must be a known area: an area of the code list {AREAS_CODE_LIST} (the 35 probation trusts of "
                "2013), spelt the same way; its invented (synthetic) areas only in a delivery whose survey.yaml "
                "says synthetic: true",
                column="area",
                value_set=allowed_areas(catalogue, known_areas, synthetic),
            ),
            # An empty cell is the answer "blank" (not answered), so nulls pass.
            *[one_of("responses", q.question_id, q.answerable_options, q.question_id) for q in single],
        ],
    )


def ticked_frame(responses: pd.DataFrame, question: SurveyQuestion) -> pd.DataFrame:
    """One row per option ticked in a multi-select column, indexed by the response's row number."""
    rows, index = [], []
    if question.question_id in responses.columns:
        for row, cell in responses[question.question_id].items():
            for option in ticked_options(cell):
                rows.append(option or None)
                index.append(row)
    return pd.DataFrame({question.question_id: rows}, index=pd.Index(index, dtype="int64"), dtype=object)


def ticked_suite(question: SurveyQuestion) -> gx.ExpectationSuite:
    return suite(
        f"responses.{question.question_id}",
        [
            rule(
                gxe.ExpectColumnValuesToNotBeNull,
                f"responses.{question.question_id}.option_named",
                f"options are separated by '{MULTI_SEPARATOR}' with no empty option between them",
                column=question.question_id,
            ),
            rule(
                gxe.ExpectColumnValuesToBeInSet,
                f"responses.{question.question_id}.in_code_list",
                f"each option ticked must be one of: {', '.join(question.answerable_options)} "
                f"(separated by '{MULTI_SEPARATOR}')",
                column=question.question_id,
                value_set=list(question.answerable_options),
            ),
        ],
    )


def repeated_options(responses: pd.DataFrame, question: SurveyQuestion, source: str) -> list[Finding]:
    """A cell may tick each option once: a repeat is a data-entry error, not two answers."""
    if question.question_id not in responses.columns:
        return []
    rows = [
        row
        for row, cell in responses[question.question_id].items()
        if len(options := [o for o in ticked_options(cell) if o]) != len(set(options))
    ]
    if not rows:
        return []
    return [
        Finding(
            source=source,
            rows=tuple(rows),
            column=question.question_id,
            rule_id=f"responses.{question.question_id}.no_repeats",
            rule="each option may be ticked only once in a cell",
        )
    ]
