"""Typed raw-zone rows from a validated, pseudonymised offender survey delivery."""

from __future__ import annotations

import pandas as pd

from flows.core.catalogue import BLANK_OPTION, Catalogue, ticked_options
from flows.sources.base import Parsed, Receipt
from flows.sources.surveys.read import RESPONSES_TABLE


def raw_rows(parsed: Parsed, catalogue: Catalogue, receipt: Receipt, publication_id: str) -> dict[str, pd.DataFrame]:
    """raw.surveys (one row) and raw.survey_responses: one row per response, question and option
    chosen (an unanswered question, or a multi-select with nothing ticked, is the option `blank`)."""
    header = parsed.header
    survey_id = header["survey_id"]
    surveys = pd.DataFrame(
        [
            {
                "survey_id": survey_id,
                "survey_year": int(header["survey_year"]),
                "synthetic": header.get("synthetic") == "true",
                "delivery_sha256": receipt.sha256,
                "received_at": receipt.received_at,
                "publication_id": publication_id,
            }
        ]
    )
    frame = parsed.tables[RESPONSES_TABLE].frame
    records = []
    for question in catalogue.survey_questions:
        for response_key, area, cell in zip(frame["response_id"], frame["area"], frame[question.question_id], strict=True):
            chosen = ticked_options(cell) if question.answer_type == "multi" else ([cell] if cell is not None else [])
            for option in chosen or [BLANK_OPTION]:
                records.append((survey_id, response_key, area, question.question_id, option))
    responses = pd.DataFrame(records, columns=["survey_id", "response_key", "area", "question_id", "answer_option"])
    return {"surveys": surveys, "survey_responses": responses}
