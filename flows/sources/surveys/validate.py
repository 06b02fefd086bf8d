"""Validating an offender survey delivery: survey.yaml, responses.csv (areas must be known), and
every option ticked in a multi-select question."""

from __future__ import annotations

from expectations import survey
from flows.core.catalogue import Catalogue
from flows.sources.base import Parsed, Table, WarehouseReader
from flows.sources.surveys.read import RESPONSES_TABLE
from flows.sources.validation import ValidationResult


def known_areas(catalogue: Catalogue, committed: WarehouseReader) -> list[str]:
    """The probation areas of the seed and the areas of every published inspection."""
    published = []
    if committed.has_table("raw", "inspections"):
        published = [row[0] for row in committed.rows("select distinct area from raw.inspections")]
    return sorted(set(catalogue.probation_areas) | set(published))


def validate_delivery(parsed: Parsed, catalogue: Catalogue, areas: list[str]) -> ValidationResult:
    result = ValidationResult([], [])
    result.run_header(parsed.header_table, survey.header_suite(parsed.source.name))
    responses = parsed.tables[RESPONSES_TABLE]
    # invented (synthetic) areas only in a delivery that says it is synthetic
    synthetic = parsed.header.get("synthetic") == "true"
    result.run(responses, survey.responses_suite(catalogue, areas, synthetic=synthetic))
    for question in catalogue.survey_questions:
        if question.answer_type != "multi" or question.question_id not in responses.frame.columns:
            continue
        ticked = Table(f"responses_{question.question_id}", responses.source, survey.ticked_frame(responses.frame, question))
        result.run(ticked, survey.ticked_suite(question))
        result.findings.extend(survey.repeated_options(responses.frame, question, responses.source))
    return result
