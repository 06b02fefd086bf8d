"""The raw zone of the private warehouse: what validated inputs are loaded into, and the record
of every publication.

An input replaces everything the raw zone held for its id (an inspection, a survey delivery) in
one transaction, so a corrected return replaces its scores and an identical one changes nothing.
Which tables an input kind fills, and with what, is the kind's (`flows.sources.<kind>.rows`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import duckdb
import pandas as pd

RAW_DDL = """
create schema if not exists raw;
create table if not exists raw.inspections (
    inspection_id varchar primary key,
    area varchar not null,
    group_id varchar not null,
    group_theme varchar not null,
    position_in_group integer not null,
    fieldwork_start date not null,
    methodology varchar not null,
    synthetic boolean not null,
    return_sha256 varchar not null,
    received_at timestamptz not null,
    publication_id varchar not null
);
create table if not exists raw.cases (
    inspection_id varchar not null,
    case_key varchar not null,
    case_type varchar not null,
    gender varchar not null,
    ethnicity varchar not null,
    rosh varchar not null,
    principal_offence varchar not null,
    primary key (inspection_id, case_key)
);
-- The case's row in the return: a fixed case order that does not depend on the pseudonym key,
-- so that the seeded bootstrap gives the same intervals on every machine. (Added after v1 files.)
alter table raw.cases add column if not exists case_row integer;
create table if not exists raw.answers (
    inspection_id varchar not null,
    case_key varchar not null,
    question_id varchar not null,
    answer varchar not null,
    primary key (inspection_id, case_key, question_id)
);
create table if not exists raw.victim_responses (
    inspection_id varchar not null,
    respondent_key varchar not null,
    question_id varchar not null,
    answer varchar
);
create table if not exists raw.context (
    inspection_id varchar not null,
    geography varchar not null,
    measure varchar not null,
    value double not null,
    period varchar not null,
    source varchar not null
);
create table if not exists raw.surveys (
    survey_id varchar primary key,
    survey_year integer not null,
    synthetic boolean not null,
    delivery_sha256 varchar not null,
    received_at timestamptz not null,
    publication_id varchar not null
);
create table if not exists raw.survey_responses (
    survey_id varchar not null,
    response_key varchar not null,
    area varchar not null,
    question_id varchar not null,
    answer_option varchar not null
);
create table if not exists raw.publications (
    publication_id varchar primary key,
    published_at timestamptz not null,
    inspection_id varchar,
    return_sha256 varchar,
    reason varchar not null
);
"""


@dataclass(frozen=True)
class Publication:
    publication_id: str
    published_at: dt.datetime
    inspection_id: str | None
    return_sha256: str | None  # the return's, or the survey delivery's, content hash
    reason: str  # "return" (a new or corrected return), "survey" (an offender survey delivery) or "rescore"


def new_publication(inspection_id: str | None, return_sha256: str | None, reason: str) -> Publication:
    now = dt.datetime.now(dt.timezone.utc)
    # Sortable by time, unique without coordination.
    publication_id = f"pub-{now:%Y%m%dT%H%M%S%f}Z-{secrets.token_hex(3)}"
    return Publication(publication_id, now, inspection_id, return_sha256, reason)


def create_raw_zone(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(RAW_DDL)


def replace_rows(connection: duckdb.DuckDBPyConnection, tables: tuple[str, ...], key: str, value: str,
                 rows: dict[str, pd.DataFrame]) -> None:
    """Drop what the raw zone held for this id, load its new rows (inside the caller's transaction).

    `tables[0]` is the kind's header table: an id it does not hold has rows in none (an input's
    rows are always loaded together), so a new id, the usual case, skips a scan of every table."""
    if connection.execute(f"select 1 from raw.{tables[0]} where {key} = ? limit 1", [value]).fetchone():
        for table in tables:
            connection.execute(f"delete from raw.{table} where {key} = ?", [value])
    for table, frame in rows.items():
        columns = [c[0] for c in connection.execute(f"describe raw.{table}").fetchall()]
        connection.register("incoming", frame[columns])
        connection.execute(f"insert into raw.{table} select * from incoming")
        connection.unregister("incoming")


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
