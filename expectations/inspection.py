"""Suite for inspection.yaml: the return's identity and place in its group (of `group_size`, a programme constant)."""

from __future__ import annotations

import great_expectations as gx
import great_expectations.expectations as gxe

from expectations.rules import exact_columns, one_of, required, rule, suite

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


def build_suite(return_name: str, methodologies: list[str], group_size: int) -> gx.ExpectationSuite:
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
                regex=r"^\d{4}-\d{2}-\d{2}$",
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
