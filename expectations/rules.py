"""Helpers shared by the suites: every expectation carries a stable rule id and the rule in words.

The words are what a sender reads in a rejection ("must be one of: yes, no, n/a"), so they are
written for inspection teams, not for developers.
"""

from __future__ import annotations

import great_expectations as gx
import great_expectations.expectations as gxe


def rule(expectation_type: type[gxe.Expectation], rule_id: str, text: str, **kwargs) -> gxe.Expectation:
    return expectation_type(meta={"rule_id": rule_id}, description=text, **kwargs)


def suite(name: str, expectations: list[gxe.Expectation]) -> gx.ExpectationSuite:
    return gx.ExpectationSuite(name=name, expectations=expectations)


def exact_columns(table: str, columns: list[str]) -> gxe.Expectation:
    return rule(
        gxe.ExpectTableColumnsToMatchSet,
        f"{table}.columns",
        "the header must name exactly these columns: " + ", ".join(columns),
        column_set=columns,
        exact_match=True,
    )


def required(table: str, column: str) -> gxe.Expectation:
    return rule(
        gxe.ExpectColumnValuesToNotBeNull,
        f"{table}.{column}.required",
        "a value is required",
        column=column,
    )


def one_of(table: str, column: str, values: list[str] | tuple[str, ...], code_list: str) -> gxe.Expectation:
    shown = ", ".join(values) if len(values) <= 12 else f"a code of the {code_list} code list"
    return rule(
        gxe.ExpectColumnValuesToBeInSet,
        f"{table}.{column}.in_code_list",
        f"must be one of: {shown}",
        column=column,
        value_set=list(values),
    )


def unique(table: str, column: str, what: str) -> gxe.Expectation:
    return rule(
        gxe.ExpectColumnValuesToBeUnique,
        f"{table}.{column}.unique",
        f"{what} must be unique; these rows repeat one",
        column=column,
    )
