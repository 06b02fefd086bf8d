"""Suite for answers.csv: one row per case and scoring question, checked against cases.csv and the catalogue."""

from __future__ import annotations

import great_expectations as gx
import great_expectations.expectations as gxe

from expectations.rules import exact_columns, one_of, required, rule, suite
from flows.core.catalogue import Catalogue, Methodology

COLUMNS = ["case_ref", "question_id", "answer"]


def build_suite(catalogue: Catalogue, methodology: Methodology | None, case_refs: list[str]) -> gx.ExpectationSuite:
    expectations = [
        exact_columns("answers", COLUMNS),
        *[required("answers", column) for column in COLUMNS],
        one_of("answers", "answer", catalogue.answers, "answer"),
        rule(
            gxe.ExpectColumnValuesToBeInSet,
            "answers.case_ref.in_cases",
            "must be the case_ref of a case in cases.csv",
            column="case_ref",
            value_set=case_refs,
        ),
        rule(
            gxe.ExpectCompoundColumnsToBeUnique,
            "answers.one_per_case_and_question",
            "a case may answer each question only once; these rows repeat a case and question",
            column_list=["case_ref", "question_id"],
        ),
    ]
    if methodology is not None:
        expectations.append(
            rule(
                gxe.ExpectColumnValuesToBeInSet,
                "answers.question_id.in_catalogue",
                f"must be a question of methodology {methodology.methodology_id}'s catalogue "
                "(dbt/seeds/methodology/questions.csv)",
                column="question_id",
                value_set=list(methodology.question_ids),
            )
        )
    return suite("answers", expectations)
