"""Load a validated, pseudonymised return into the raw zone of the next private warehouse.

A return replaces everything the raw zone held for its inspection, so a corrected return
replaces its scores and an identical one changes nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from flows.catalogue import BLANK_OPTION, Catalogue
from flows.contract import ParsedReturn
from flows.survey_delivery import ParsedSurvey, ticked_options

RAW_TABLES_BY_INSPECTION = ("inspections", "cases", "answers", "victim_responses", "context")
RAW_TABLES_BY_SURVEY = ("surveys", "survey_responses")


@dataclass(frozen=True)
class Publication:
    publication_id: str
    published_at: dt.datetime
    inspection_id: str | None
    return_sha256: str | None
    reason: str  # "return" (a new or corrected return), "rescore" or "survey" (an offender survey delivery)


def new_publication(inspection_id: str | None, return_sha256: str | None, reason: str) -> Publication:
    now = dt.datetime.now(dt.timezone.utc)
    # Sortable by time, unique without coordination.
    publication_id = f"pub-{now:%Y%m%dT%H%M%S%f}Z-{secrets.token_hex(3)}"
    return Publication(publication_id, now, inspection_id, return_sha256, reason)


def raw_rows(parsed: ParsedReturn, return_sha256: str, received_at: dt.datetime, publication_id: str) -> dict[str, pd.DataFrame]:
    """Typed raw-zone rows from a return that has passed validation."""
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
                "return_sha256": return_sha256,
                "received_at": received_at,
                "publication_id": publication_id,
            }
        ]
    )
    case_frame = parsed.tables["cases"].frame
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


def survey_rows(parsed: ParsedSurvey, catalogue: Catalogue, delivery_sha256: str, received_at: dt.datetime,
                publication_id: str) -> dict[str, pd.DataFrame]:
    """Typed raw-zone rows from a delivery that has passed validation: one response row per
    question and option chosen (an unanswered question, or a multi-select with nothing ticked,
    is the option `blank`)."""
    header = parsed.header
    survey_id = header["survey_id"]
    surveys = pd.DataFrame(
        [
            {
                "survey_id": survey_id,
                "survey_year": int(header["survey_year"]),
                "synthetic": header.get("synthetic") == "true",
                "delivery_sha256": delivery_sha256,
                "received_at": received_at,
                "publication_id": publication_id,
            }
        ]
    )
    frame = parsed.responses.frame
    records = []
    for question in catalogue.survey_questions:
        for response_key, area, cell in zip(frame["response_id"], frame["area"], frame[question.question_id], strict=True):
            chosen = ticked_options(cell) if question.answer_type == "multi" else ([cell] if cell is not None else [])
            for option in chosen or [BLANK_OPTION]:
                records.append((survey_id, response_key, area, question.question_id, option))
    responses = pd.DataFrame(records, columns=["survey_id", "response_key", "area", "question_id", "answer_option"])
    return {"surveys": surveys, "survey_responses": responses}


def load_raw(db: Path, inspection_id: str, rows: dict[str, pd.DataFrame], publication: Publication) -> None:
    _replace_raw(db, RAW_TABLES_BY_INSPECTION, "inspection_id", inspection_id, rows, publication)


def load_survey_raw(db: Path, survey_id: str, rows: dict[str, pd.DataFrame], publication: Publication) -> None:
    _replace_raw(db, RAW_TABLES_BY_SURVEY, "survey_id", survey_id, rows, publication)


def _replace_raw(db: Path, tables: tuple[str, ...], key: str, value: str, rows: dict[str, pd.DataFrame],
                 publication: Publication) -> None:
    """In one transaction: drop what the raw zone held for this inspection or survey, load its new rows."""
    with duckdb.connect(str(db)) as connection:
        connection.execute("begin")
        for table in tables:
            connection.execute(f"delete from raw.{table} where {key} = ?", [value])
        for table, frame in rows.items():
            columns = [c[0] for c in connection.execute(f"describe raw.{table}").fetchall()]
            connection.register("incoming", frame[columns])
            connection.execute(f"insert into raw.{table} select * from incoming")
            connection.unregister("incoming")
        record_publication(connection, publication)
        connection.execute("commit")


def record_publication(connection: duckdb.DuckDBPyConnection, publication: Publication) -> None:
    connection.execute(
        "insert into raw.publications values (?, ?, ?, ?, ?)",
        [
            publication.publication_id,
            publication.published_at,
            publication.inspection_id,
            publication.return_sha256,
            publication.reason,
        ],
    )
