"""Publish: write the analyst-facing file from the private warehouse's marts, then swap it in.

The published file holds schema `marts` only (tables with their constraints and the dbt docs
as comments), never the raw zone, so case-level rows never leave the private file. It is
written beside the live file and renamed over it: readers see the old file or the new one,
never a mixture, and a crash before the rename leaves the old file as it was.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows.config import Paths
from flows.faults import crash_point
from flows.warehouse import fresh_scratch, latest_publication_id, replace_durably, table_exists

PUBLISHED_SCHEMA = "marts"


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def export_marts(p: Paths) -> None:
    target = fresh_scratch(p.next_published_db)
    with duckdb.connect(str(target)) as connection:
        connection.execute(f"attach '{p.private_db}' as src (read_only)")
        connection.execute(f"create schema {PUBLISHED_SCHEMA}")
        tables = connection.execute(
            "select table_name, sql, comment from duckdb_tables() "
            "where database_name = 'src' and schema_name = ? order by table_name",
            [PUBLISHED_SCHEMA],
        ).fetchall()
        for table, ddl, comment in tables:
            # duckdb_tables().sql is the CREATE statement with constraints; unqualified by catalog,
            # so it creates the table in this file.
            connection.execute(ddl)
            name = f"{PUBLISHED_SCHEMA}.{quote(table)}"
            connection.execute(f"insert into {name} select * from src.{name}")
            if comment:
                connection.execute(f"comment on table {name} is {_literal(comment)}")
        columns = connection.execute(
            "select table_name, column_name, comment from duckdb_columns() "
            "where database_name = 'src' and schema_name = ? and comment is not null",
            [PUBLISHED_SCHEMA],
        ).fetchall()
        for table, column, comment in columns:
            connection.execute(
                f"comment on column {PUBLISHED_SCHEMA}.{quote(table)}.{quote(column)} is {_literal(comment)}"
            )
        connection.execute("detach src")
        connection.execute("checkpoint")
    crash_point("before-publish-rename")
    replace_durably(target, p.published_db)
    write_disclosure_log(p)


DISCLOSURE_LOG_TABLE = "audit.audit_disclosure_log"


def write_disclosure_log(p: Paths) -> Path | None:
    """disclosure/<publication_id>.csv: what the publication withheld and why (no counts), for the
    research team. Rewritten whole, so a publication redone after a crash leaves one complete log."""
    if not table_exists(p.private_db, "audit", "audit_disclosure_log"):
        return None
    publication_id = latest_publication_id(p.private_db)
    if publication_id is None:
        return None
    p.disclosure.mkdir(parents=True, exist_ok=True)
    target = p.disclosure / f"{publication_id}.csv"
    partial = target.with_suffix(".csv.part")
    with duckdb.connect(str(p.private_db), read_only=True) as connection:
        connection.execute(
            f"copy (select * from {DISCLOSURE_LOG_TABLE} order by result_set, results_level, unit_id, question_id, answer_option) "
            f"to '{partial}' (header, delimiter ',')"
        )
    partial.replace(target)
    return target


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def publication_is_current(p: Paths) -> bool:
    """True when the published file carries the private warehouse's latest publication."""
    private = latest_publication_id(p.private_db)
    return private is None or latest_publication_id(p.published_db) == private


def ensure_published(p: Paths) -> bool:
    """Finish a publication that a crash interrupted after its commit; returns whether it had to."""
    if publication_is_current(p):
        return False
    export_marts(p)
    return True
