"""Validating an inspection return: the GX suite of every table (expectations/), the checks that
span its files, and, inside the writer slot, its place in the programme."""

from __future__ import annotations

import pandas as pd

from expectations import cross_file
from expectations.cross_file import PublishedInspection, conflicts_with_programme
from flows.core.catalogue import Catalogue, Methodology
from flows.core.findings import Finding
from flows.sources.base import Parsed, Table, WarehouseReader
from flows.sources.validation import ValidationResult


def validate_return(parsed: Parsed, catalogue: Catalogue) -> ValidationResult:
    """Every suite over every table present, then the cross-file checks."""
    # The suites import GX (seconds): paid here, not by `conflicts`, which a batch whose inputs
    # were validated in other processes calls in this one.
    from expectations import answers, cases, context, inspection, victim_questionnaire

    result = ValidationResult([], [])
    header = parsed.header_table
    header_suite = inspection.build_suite(parsed.source.name, list(catalogue.methodologies), catalogue.group_size,
                                          catalogue=catalogue)
    result.run_header(header, header_suite)
    methodology = _methodology_of(header, catalogue)

    case_table = parsed.tables.get("cases")
    answer_table = parsed.tables.get("answers")
    cases_ok = case_table is not None and result.run(case_table, cases.build_suite(catalogue, methodology))
    answers_ok = False
    if answer_table is not None:
        case_refs = [] if case_table is None else [r for r in case_table.frame.get("case_ref", []) if r is not None]
        answers_ok = result.run(answer_table, answers.build_suite(catalogue, methodology, case_refs))
    if cases_ok and answers_ok and methodology is not None:
        # Only meaningful once both tables are individually sound.
        gaps = cross_file.missing_answers(case_table.frame, answer_table.frame, methodology.question_ids, case_table.source)
        result.findings.extend(gaps)

    if "victim_questionnaire" in parsed.tables:
        result.run(parsed.tables["victim_questionnaire"], victim_questionnaire.build_suite(catalogue))
    if "context" in parsed.tables:
        table = parsed.tables["context"]
        values = table.frame["value"] if "value" in table.frame.columns else pd.Series(None, index=table.frame.index)
        table.frame[context.NUMERIC_VALUE] = pd.to_numeric(values, errors="coerce")
        if result.run(table, context.build_suite(catalogue), derived={context.NUMERIC_VALUE: "value"}):
            # Only meaningful once every value is a number in range.
            result.findings.extend(context.parts_add_up(table.frame, catalogue, table.source))
            result.findings.extend(context.shares_sum_to_100(table.frame, catalogue, table.source))
        table.frame = table.frame.drop(columns=[context.NUMERIC_VALUE])
    return result


def _methodology_of(header: Table, catalogue: Catalogue) -> Methodology | None:
    if "methodology" not in header.frame.columns:
        return None
    return catalogue.methodologies.get(header.frame["methodology"].iloc[0])


def conflicts(parsed: Parsed, committed: WarehouseReader) -> list[Finding]:
    """The return's place in the programme, against what is committed: its position in the group
    free, one theme and one methodology per group."""
    header = parsed.header
    published = []
    if committed.has_table("raw", "inspections"):
        published = [
            PublishedInspection(*row)
            for row in committed.rows(
                "select inspection_id, group_id, group_theme, position_in_group, methodology from raw.inspections")
        ]
    return conflicts_with_programme(
        header["inspection_id"],
        header["group_id"],
        header["group_theme"],
        int(header["position_in_group"]),
        header["methodology"],
        published,
        parsed.header_table.source,
    )
