"""The marts served from PostgreSQL, for analysts whose tools speak to PostgreSQL but not to a
DuckDB file (Excel and Power BI over ODBC, R, SAS, Tableau).

Each publication replaces schema `marts` of the serving database with the published file's:

- the same tables and columns, types as near as PostgreSQL has them, comments, primary keys;
- loaded with psycopg 3 COPY into a schema of its own, then swapped with the old one by renaming
  both in the same transaction: a reader sees the old set or the new set, never a mix;
- readable by one role (`IAOW_SERVING_READER_ROLE`, default `iaow_analyst`, NOLOGIN: give it to
  analysts' logins) that has USAGE on `marts` and SELECT on its tables and nothing else.

Serving is a step a publication owes after its swap (flows.storage.publication): a serving
database that is down or refuses the load never blocks or undoes the DuckDB publication; the
step is left in the outbox, `iaow status` says the database is behind, and the next publication
or `iaow serve --refresh` brings it up to date. Loads are serialised by an advisory lock.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flows.storage.duckdb_sql import quote
from flows.storage.published import PublishedFile
from flows.storage.warehouse import LATEST_PUBLICATION_SQL

SCHEMA = "marts"
ADVISORY_LOCK = 4_207_157  # serialises loads from several workers into one serving database
LOCK_TIMEOUT = "30s"  # a reader holding the old schema open delays the swap this long at most
CONNECT_TIMEOUT_S = 10

# DuckDB type -> PostgreSQL type; anything not listed is served as text.
TYPES = {
    "VARCHAR": "text", "BOOLEAN": "boolean", "TINYINT": "smallint", "SMALLINT": "smallint", "INTEGER": "integer",
    "BIGINT": "bigint", "HUGEINT": "numeric(39,0)", "UBIGINT": "numeric(20,0)", "DOUBLE": "double precision",
    "FLOAT": "real", "DATE": "date", "TIMESTAMP": "timestamp", "TIMESTAMP WITH TIME ZONE": "timestamptz",
}


class ServingFailed(Exception):
    """The serving database could not be brought up to date (the DuckDB publication stands)."""


@dataclass(frozen=True)
class Served:
    publication_id: str | None
    tables: int
    rows: int
    seconds: float


def pg_type(duckdb_type: str) -> str:
    decimal = re.fullmatch(r"DECIMAL\((\d+),(\d+)\)", duckdb_type)
    if decimal:
        return f"numeric({decimal[1]},{decimal[2]})"
    return TYPES.get(duckdb_type, "text")


def redact(text: str, url: str) -> str:
    """An error as said to people: never the connection string's password."""
    password = re.match(r"^[a-z+]+://[^:/@]+:([^@]+)@", url)
    return text.replace(password[1], "***") if password else text


def _failed(error: Exception, url: str) -> ServingFailed:
    """A psycopg error as said to people: its kind and message, the password never."""
    return ServingFailed(redact(f"{type(error).__name__}: {error}".strip(), url))


def _snapshot_publication(published: PublishedFile) -> str | None:
    """The publication of the snapshot being loaded (read from it, not from the path, which a
    publication may replace meanwhile)."""
    rows = published.rows(LATEST_PUBLICATION_SQL) if published.has_table("dim_publication") else []
    return rows[0][0] if rows else None


def served_publication(url: str) -> str | None:
    """The publication the serving database holds (None: none yet); raises ServingFailed if unreachable."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S) as connection:
            exists = connection.execute("select to_regclass('marts.dim_publication')").fetchone()[0]
            if exists is None:
                return None
            row = connection.execute(LATEST_PUBLICATION_SQL).fetchone()
            return row[0] if row else None
    except psycopg.Error as error:
        raise _failed(error, url) from None


def serve_published(published_db: Path, url: str, reader_role: str) -> Served:
    """Replace schema `marts` of the serving database with the published file's, atomically."""
    import psycopg
    from psycopg import sql

    started = time.perf_counter()
    staging = f"marts_next_{secrets.token_hex(4)}"
    retired = f"marts_old_{secrets.token_hex(4)}"
    total_rows = 0
    try:
        with PublishedFile(published_db) as published, \
                psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S, autocommit=False) as connection:
            publication_id = _snapshot_publication(published)
            tables = published.rows(
                "select table_name, comment from duckdb_tables() where database_name = 'published' "
                "and schema_name = ? order by table_name", [SCHEMA])
            connection.execute("select pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
            connection.execute(sql.SQL("set local lock_timeout = {}").format(sql.Literal(LOCK_TIMEOUT)))
            _ensure_role(connection, reader_role)
            connection.execute(sql.SQL("create schema {}").format(sql.Identifier(staging)))
            for table, comment in tables:
                total_rows += _copy_table(connection, published, staging, table, comment)
            # The swap: both renames in this transaction, so readers see one set or the other.
            if connection.execute("select to_regnamespace(%s)", [SCHEMA]).fetchone()[0] is not None:
                connection.execute(sql.SQL("alter schema {} rename to {}").format(sql.Identifier(SCHEMA), sql.Identifier(retired)))
            connection.execute(sql.SQL("alter schema {} rename to {}").format(sql.Identifier(staging), sql.Identifier(SCHEMA)))
            connection.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(retired)))
            connection.execute(sql.SQL("grant usage on schema {} to {}").format(sql.Identifier(SCHEMA), sql.Identifier(reader_role)))
            connection.execute(sql.SQL("grant select on all tables in schema {} to {}").format(
                sql.Identifier(SCHEMA), sql.Identifier(reader_role)))
            connection.commit()
    except psycopg.Error as error:
        raise _failed(error, url) from None
    return Served(publication_id, len(tables), total_rows, time.perf_counter() - started)


def _ensure_role(connection, role: str) -> None:
    """The analysts' role: no login of its own, nothing but what `marts` grants it."""
    from psycopg import sql

    if connection.execute("select 1 from pg_roles where rolname = %s", [role]).fetchone() is None:
        connection.execute(sql.SQL("create role {} nologin").format(sql.Identifier(role)))
    connection.execute(sql.SQL("revoke all on schema public from {}").format(sql.Identifier(role)))


def _copy_table(connection, published: PublishedFile, schema: str, table: str, comment: str | None) -> int:
    from psycopg import sql

    columns = published.rows(
        "select column_name, data_type, comment from duckdb_columns() where database_name = 'published' "
        "and schema_name = ? and table_name = ? order by column_index", [SCHEMA, table])
    keys = published.rows(
        "select constraint_column_names from duckdb_constraints() where database_name = 'published' "
        "and schema_name = ? and table_name = ? and constraint_type = 'PRIMARY KEY'", [SCHEMA, table])
    target = sql.Identifier(schema, table)
    definition = [sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(pg_type(kind))) for name, kind, _ in columns]
    if keys:
        definition.append(sql.SQL("primary key ({})").format(sql.SQL(", ").join(sql.Identifier(k) for k in keys[0][0])))
    connection.execute(sql.SQL("create table {} ({})").format(target, sql.SQL(", ").join(definition)))
    if comment:
        connection.execute(sql.SQL("comment on table {} is {}").format(target, sql.Literal(comment)))
    for name, _, column_comment in columns:
        if column_comment:
            connection.execute(sql.SQL("comment on column {}.{} is {}").format(
                target, sql.Identifier(name), sql.Literal(column_comment)))
    names = [name for name, _, _ in columns]
    cursor = published.connection.execute(
        f"select {', '.join(quote(n) for n in names)} from {SCHEMA}.{quote(table)}")
    count = 0
    with connection.cursor().copy(sql.SQL("copy {} ({}) from stdin").format(
            target, sql.SQL(", ").join(sql.Identifier(n) for n in names))) as copy:
        while batch := cursor.fetchmany(10_000):
            for row in batch:
                copy.write_row(_plain(row))
            count += len(batch)
    return count


def _plain(row: tuple) -> tuple:
    """DuckDB's values as psycopg adapts them: lists (LIST columns, served as text) as text."""
    return tuple(str(value) if isinstance(value, (list, dict)) else value for value in row)
