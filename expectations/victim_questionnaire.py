"""Suite for victim_questionnaire.csv (optional): one row per respondent, one column per question."""

from __future__ import annotations

import great_expectations as gx

from expectations.rules import exact_columns, one_of, required, suite, unique
from flows.core.catalogue import Catalogue

# Free text: checked for presence of the column only; it never leaves the raw archive.
COMMENT_COLUMN = "comment"


def columns(catalogue: Catalogue) -> list[str]:
    return ["respondent_id", *[q.question_id for q in catalogue.victim_questions], COMMENT_COLUMN]


def build_suite(catalogue: Catalogue) -> gx.ExpectationSuite:
    return suite(
        "victim_questionnaire",
        [
            exact_columns("victim_questionnaire", columns(catalogue)),
            required("victim_questionnaire", "respondent_id"),
            unique("victim_questionnaire", "respondent_id", "respondent_id"),
            # A blank cell means the respondent skipped the question, so nulls pass.
            *[
                one_of("victim_questionnaire", q.question_id, q.answer_options, q.question_id)
                for q in catalogue.victim_questions
            ],
        ],
    )
