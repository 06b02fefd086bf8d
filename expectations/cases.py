"""Suite for cases.csv: one row per sampled case."""

from __future__ import annotations

import great_expectations as gx
import great_expectations.expectations as gxe

from expectations.rules import exact_columns, one_of, required, rule, suite, unique
from flows.core.catalogue import Catalogue, Methodology

COLUMNS = ["case_ref", "case_type", "gender", "ethnicity", "rosh", "principal_offence"]


def build_suite(catalogue: Catalogue, methodology: Methodology | None) -> gx.ExpectationSuite:
    expectations = [
        exact_columns("cases", COLUMNS),
        *[required("cases", column) for column in COLUMNS],
        unique("cases", "case_ref", "case_ref"),
        one_of("cases", "case_type", catalogue.case_types, "case type"),
        one_of("cases", "gender", catalogue.genders, "gender"),
        one_of("cases", "ethnicity", catalogue.ethnicities, "ethnicity"),
        one_of("cases", "rosh", catalogue.rosh_levels, "RoSH"),
        one_of("cases", "principal_offence", catalogue.offence_codes, "offence"),
    ]
    if methodology is not None:  # an unknown methodology is reported by the inspection suite
        expectations.append(
            rule(
                gxe.ExpectTableRowCountToBeBetween,
                "cases.sample_size",
                f"the sample must have {methodology.min_cases}-{methodology.max_cases} cases "
                f"(methodology {methodology.methodology_id})",
                min_value=methodology.min_cases,
                max_value=methodology.max_cases,
            )
        )
    return suite("cases", expectations)
