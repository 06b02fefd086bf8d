"""Suite for context.csv (optional): demographic and caseload context in long form."""

from __future__ import annotations

import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.expectations.row_conditions import Column

from expectations.rules import exact_columns, one_of, required, rule, suite
from flows.catalogue import Catalogue

COLUMNS = ["geography", "measure", "value", "period", "source"]
# The runner adds this parsed copy of `value` so that ranges can be checked numerically.
NUMERIC_VALUE = "value_number"
NUMBER = r"^-?\d+(?:\.\d+)?$"


def build_suite(catalogue: Catalogue) -> gx.ExpectationSuite:
    ranges = [
        rule(
            gxe.ExpectColumnValuesToBeBetween,
            f"context.value.range.{measure}",
            f"a {measure} value must be between {spec.min_value:g} and {spec.max_value:g} ({spec.unit})",
            column=NUMERIC_VALUE,
            min_value=spec.min_value,
            max_value=spec.max_value,
            row_condition=Column("measure") == measure,
        )
        for measure, spec in catalogue.measures.items()
    ]
    return suite(
        "context",
        [
            exact_columns("context", [*COLUMNS, NUMERIC_VALUE]),
            *[required("context", column) for column in COLUMNS],
            one_of("context", "measure", list(catalogue.measures), "context measure"),
            rule(
                gxe.ExpectColumnValuesToMatchRegex,
                "context.value.number",
                "must be a plain number (digits, optional minus sign and decimal point; no commas or %)",
                column="value",
                regex=NUMBER,
            ),
            rule(
                gxe.ExpectCompoundColumnsToBeUnique,
                "context.one_value_per_measure",
                "each geography, measure and period may appear only once",
                column_list=["geography", "measure", "period"],
            ),
            *ranges,
        ],
    )
