"""Typed raw-zone rows from a validated, pseudonymised inspection return."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from flows.sources.base import Parsed, Receipt


def raw_rows(parsed: Parsed, receipt: Receipt, publication_id: str) -> dict[str, pd.DataFrame]:
    """raw.inspections (one row), raw.cases, raw.answers, and raw.victim_responses (long form, no
    comment) and raw.context when the return has them."""
    header = parsed.header
    inspection_id = header["inspection_id"]
    inspections = pd.DataFrame(
        [
            {
                "inspection_id": inspection_id,
                "area": header["area"],
                "group_id": header["group_id"],
                "group_theme": header["group_theme"],
                "position_in_group": int(header["position_in_group"]),
                "fieldwork_start": dt.date.fromisoformat(header["fieldwork_start"]),
                "methodology": header["methodology"],
                "synthetic": header.get("synthetic") == "true",
                "return_sha256": receipt.sha256,
                "received_at": receipt.received_at,
                "publication_id": publication_id,
            }
        ]
    )
    case_frame = parsed.tables["cases"].frame
    # case_row: the case's row in the return, a case order that does not depend on the pseudonym
    # key, so that the seeded bootstrap gives the same intervals on every machine.
    cases = case_frame.rename(columns={"case_ref": "case_key"}).assign(inspection_id=inspection_id, case_row=case_frame.index)
    answers = parsed.tables["answers"].frame.rename(columns={"case_ref": "case_key"}).assign(inspection_id=inspection_id)
    rows = {"inspections": inspections, "cases": cases, "answers": answers}

    victims = parsed.tables.get("victim_questionnaire")
    if victims is not None:
        wide = victims.frame.drop(columns=["comment"]).rename(columns={"respondent_id": "respondent_key"})
        rows["victim_responses"] = wide.melt(id_vars="respondent_key", var_name="question_id", value_name="answer").assign(
            inspection_id=inspection_id
        )
    context = parsed.tables.get("context")
    if context is not None:
        rows["context"] = context.frame.assign(inspection_id=inspection_id, value=pd.to_numeric(context.frame["value"]))
    return rows
