"""Suite for inspection.yaml: the return's identity and place in its group (of `group_size`, a programme constant)."""

from __future__ import annotations

import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.expectations.row_conditions import Column

from expectations.rules import exact_columns, one_of, required, rule, suite
from flows.core.catalogue import AREAS_CODE_LIST, Catalogue, load_catalogue

REQUIRED_KEYS = [
    "inspection_id",
    "area",
    "group_id",
    "group_theme",
    "position_in_group",
    "fieldwork_start",
    "methodology",
]
# Extension of contract v1: demo and test data say they are synthetic; absent means false.
OPTIONAL_KEYS = ["synthetic"]
KEYS = REQUIRED_KEYS + OPTIONAL_KEYS
SLUG = r"^[a-z0-9][a-z0-9-]{2,63}$"
# The rows of a header (inspection.yaml, survey.yaml) that do not say they are synthetic: the
# reader gives `synthetic` as text, and ValidationResult.run_header adds it empty when absent
# (an empty value is not "true", so it counts as real).
NOT_SYNTHETIC = Column("synthetic") != "true"


def area_in_code_list(table: str, catalogue: Catalogue) -> gxe.Expectation:
    """`area` is an area of the code list (real or synthetic), spelt the same way. The rule names
    the list, never the value."""
    return rule(
        gxe.ExpectColumnValuesToBeInSet,
        f"{table}.area.in_code_list",
        f"must be an area of the code list {AREAS_CODE_LIST} (the 35 probation trusts of 2013), spelt the same way",
        column="area",
        value_set=[*catalogue.probation_areas, *catalogue.synthetic_areas],
    )


def synthetic_area_only_if_synthetic(table: str, header_file: str, catalogue: Catalogue) -> gxe.Expectation:
    """An invented area of the code list (demo, tests) only in an input whose header says
    `synthetic: true`: real data never names one."""
    return rule(
        gxe.ExpectColumnValuesToNotBeInSet,
        f"{table}.area.synthetic_only",
        f"is an invented area (synthetic in {AREAS_CODE_LIST}): accepted only when {header_file} says synthetic: true",
        column="area",
        value_set=list(catalogue.synthetic_areas),
        row_condition=NOT_SYNTHETIC,
    )


def build_suite(return_name: str, methodologies: list[str], group_size: int,
                catalogue: Catalogue | None = None) -> gx.ExpectationSuite:
    """catalogue: where the code list of areas comes from (default: the repository's seeds)."""
    catalogue = catalogue or load_catalogue()
    return suite(
        "inspection",
        [
            exact_columns("inspection", KEYS),
            *[required("inspection", key) for key in REQUIRED_KEYS],
            rule(
                gxe.ExpectColumnValuesToMatchRegex,
                "inspection.inspection_id.slug",
                "must be lower-case letters, digits and hyphens, 3-64 characters (e.g. hampshire-2013)",
                column="inspection_id",
                regex=SLUG,
            ),
            rule(
                gxe.ExpectColumnValuesToBeInSet,
                "inspection.inspection_id.matches_name",
                f"must match the name of the folder or workbook ({return_name})",
                column="inspection_id",
                value_set=[return_name],
            ),
            rule(
                gxe.ExpectColumnValuesToMatchRegex,
                "inspection.group_id.slug",
                "must be lower-case letters, digits and hyphens (e.g. iaow-2013-violent-offending)",
                column="group_id",
                regex=SLUG,
            ),
            rule(
                gxe.ExpectColumnValueLengthsToBeBetween,
                "inspection.area.length",
                "must be 2-100 characters",
                column="area",
                min_value=2,
                max_value=100,
            ),
            area_in_code_list("inspection", catalogue),
            synthetic_area_only_if_synthetic("inspection", "inspection.yaml", catalogue),
            rule(
                gxe.ExpectColumnValuesToBeInSet,
                "inspection.position_in_group.range",
                f"must be a whole number from 1 to {group_size}",
                column="position_in_group",
                value_set=[str(position) for position in range(1, group_size + 1)],
            ),
            rule(
                gxe.ExpectColumnValuesToMatchRegex,
                "inspection.fieldwork_start.iso_date",
                "must be a date written YYYY-MM-DD",
                column="fieldwork_start",
                regex=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            ),
            rule(
                gxe.ExpectColumnValuesToMatchStrftimeFormat,
                "inspection.fieldwork_start.calendar_date",
                "must be a real calendar date",
                column="fieldwork_start",
                strftime_format="%Y-%m-%d",
            ),
            one_of("inspection", "methodology", methodologies, "methodology"),
            one_of("inspection", "synthetic", ["true", "false"], "boolean"),
        ],
    )
