"""Suite for context.csv (optional): demographic and caseload context in long form."""

from __future__ import annotations

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
from great_expectations.expectations.row_conditions import Column

from expectations.rules import exact_columns, one_of, required, rule, suite
from flows.core.catalogue import Catalogue
from flows.core.findings import Finding

COLUMNS = ["geography", "measure", "value", "period", "source"]
# The runner adds this parsed copy of `value` so that ranges can be checked numerically.
NUMERIC_VALUE = "value_number"
NUMBER = r"^-?[0-9]+(?:\.[0-9]+)?$"


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


# Parts are published rounded (districts to the nearest hundred), so they add up to the whole
# only within rounding: 0.1% of the whole.
ADDITIVE_TOLERANCE = 0.001


def parts_add_up(frame: pd.DataFrame, catalogue: Catalogue, source: str) -> list[Finding]:
    """Additive measures (population): the parts of a geography (a county's districts, per the
    geographies seed) add up to it where both are given; a partial list may not exceed it."""
    findings = []
    values = _values(frame)
    for (measure, period), group in values.groupby(["measure", "period"], sort=True):
        if not catalogue.measures[measure].additive:
            continue
        by_geography = {row.geography: (row.Index, row.number) for row in group.itertuples()}
        for whole, (whole_row, whole_value) in sorted(by_geography.items()):
            parts = sorted(g.geography for g in catalogue.geographies.values() if g.part_of == whole)
            given = [part for part in parts if part in by_geography]
            if not given:
                continue
            total = sum(by_geography[part][1] for part in given)
            allowed = ADDITIVE_TOLERANCE * whole_value + 0.5
            complete = len(given) == len(parts)
            if (complete and abs(total - whole_value) <= allowed) or (not complete and total <= whole_value + allowed):
                continue
            findings.append(
                Finding(
                    source=source,
                    rows=(whole_row, *(by_geography[part][0] for part in given)),
                    column="value",
                    rule_id=f"context.{measure}.parts_add_up",
                    rule=f"the {measure} of the parts of {whole} (dbt/seeds/code_lists/geographies.csv) must add up "
                    f"to {whole}'s within rounding ({ADDITIVE_TOLERANCE:.1%})"
                    + ("" if complete else "; the parts given may not exceed it"),
                    # the rows say which period: its text is the sender's, so it is not repeated here
                    detail=f"{len(given)} of {len(parts)} parts given, summing to {total:,.0f}; {whole} is {whole_value:,.0f}",
                )
            )
    return findings


def shares_sum_to_100(frame: pd.DataFrame, catalogue: Catalogue, source: str) -> list[Finding]:
    """Percentages of one share set (male and female caseload) sum to 100 within the set's
    tolerance, for each geography and period; a set with an unknown remainder may sum to less."""
    findings = []
    values = _values(frame)
    values["share_set"] = values["measure"].map(lambda m: catalogue.measures[m].share_set)
    for (share_set, geography, period), group in values.dropna(subset=["share_set"]).groupby(
        ["share_set", "geography", "period"], sort=True
    ):
        spec = catalogue.share_sets[share_set]
        members = sorted(m for m, measure in catalogue.measures.items() if measure.share_set == share_set)
        total = float(group["number"].sum())
        complete = set(group["measure"]) == set(members)
        too_high = total > 100 + spec.tolerance_points
        too_low = complete and not spec.unknown_remainder and total < 100 - spec.tolerance_points
        if not (too_high or too_low):
            continue
        findings.append(
            Finding(
                source=source,
                rows=tuple(group.index),
                column="value",
                rule_id=f"context.{share_set}.sums_to_100",
                rule=f"the shares {', '.join(members)} of one geography and period must sum to 100 "
                f"(within {spec.tolerance_points:g} points"
                + ("; less is allowed, the rest being unknown)" if spec.unknown_remainder else ")"),
                detail=f"they sum to {total:g}",  # the rows name the geography and period, never their text
            )
        )
    return findings


def _values(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[["geography", "measure", "period"]].assign(number=frame[NUMERIC_VALUE].astype(float))
