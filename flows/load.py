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

from flows.contract import ParsedReturn

RAW_TABLES_BY_INSPECTION = ("inspections", "cases", "answers", "victim_responses", "context")


@dataclass(frozen=True)
class Publication:
    publication_id: str
    published_at: dt.datetime
    inspection_id: str | None
    return_sha256: str | None
    reason: str  # "return" (a new or corrected return) or "republish"


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


def load_raw(db: Path, inspection_id: str, rows: dict[str, pd.DataFrame], publication: Publication) -> None:
    with duckdb.connect(str(db)) as connection:
        connection.execute("begin")
        for table in RAW_TABLES_BY_INSPECTION:
            connection.execute(f"delete from raw.{table} where inspection_id = ?", [inspection_id])
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
