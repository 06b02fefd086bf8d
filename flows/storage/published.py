"""The one read-only reader of the published file (`warehouse/iaow.duckdb`).

The report, the score sheets, the dashboard and `iaow status` all read through `PublishedFile`:

- it opens the file read-only through an in-memory database that ATTACHes it, never with
  duckdb.connect(path): DuckDB shares one instance per path inside a process, so while another
  connection had the old file open, connect(path) would hand back the old (replaced) file's data;
- one open handle is one consistent snapshot: a publication renames a new file over the path,
  and a reader that has it open keeps reading the version it opened, so a report rendered from
  one snapshot never mixes two publications;
- it knows the file's identity (inode, modification time, size), which changes with every
  publication: a cache keyed on it (the dashboard's) is never filled with another file's rows.
"""

from __future__ import annotations

import os
import time
import warnings
from collections import namedtuple
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import duckdb

from flows.storage.duckdb_sql import attach_read_only

PUBLISHED_SCHEMA = "marts"
ALIAS = "published"
RETRY_DELAY_S = 0.25  # before the one retry of an open that met a rename half-way


class FileIdentity(NamedTuple):
    inode: int
    mtime_ns: int
    size: int


class PublishedFileMissing(Exception):
    """Nothing has been published in this data directory yet."""


class PublishedFileChanged(Exception):
    """A publication replaced the file while it was being read, or since the identity asked for."""


def file_identity(path: Path) -> FileIdentity | None:
    """Identity of the file now at `path`; a publication always gives a new one."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return FileIdentity(stat.st_ino, stat.st_mtime_ns, stat.st_size)


class PublishedFile:
    """A read-only snapshot of the published file: `with PublishedFile(path) as published: ...`."""

    def __init__(self, path: Path, expect: FileIdentity | None = None):
        self.path = Path(path)
        self.expect = expect
        self.identity: FileIdentity | None = None
        self.connection: duckdb.DuckDBPyConnection | None = None
        self._comments: dict[tuple[str, str], str] | None = None

    def __enter__(self) -> PublishedFile:
        for attempt in (1, 2):
            before = file_identity(self.path)
            if before is None:
                raise PublishedFileMissing(f"nothing is published yet ({self.path})")
            if self.expect is not None and before != self.expect:
                raise PublishedFileChanged(str(self.path))
            connection = duckdb.connect(":memory:")
            try:
                attach_read_only(connection, self.path, ALIAS)
                connection.execute(f"use {ALIAS}")
            except (duckdb.IOException, duckdb.InvalidInputException, duckdb.SerializationException):
                connection.close()
                if attempt == 2:
                    raise
                time.sleep(RETRY_DELAY_S)  # the file was renamed between stat and open: once more
                continue
            if file_identity(self.path) != before:
                connection.close()  # swapped while opening: which one we hold is unknown
                if attempt == 2 or self.expect is not None:
                    raise PublishedFileChanged(str(self.path))
                continue
            self.connection, self.identity = connection, before
            return self
        raise PublishedFileChanged(str(self.path))

    def __exit__(self, *exc) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    # ------------------------------------------------------------------ reading

    def _execute(self, sql: str, params: Sequence | None):
        assert self.connection is not None, "use PublishedFile as a context manager"
        return self.connection.execute(sql, list(params or []))

    def rows(self, sql: str, params: Sequence | None = None) -> list[tuple]:
        return self._execute(sql, params).fetchall()

    def records(self, sql: str, params: Sequence | None = None) -> list[Any]:
        """Rows as named tuples: `row.score_pct`, not `row[7]`."""
        cursor = self._execute(sql, params)
        Record = namedtuple("Record", [d[0] for d in cursor.description], rename=True)  # noqa: PYI024
        return [Record(*row) for row in cursor.fetchall()]

    def frame(self, sql: str, params: Sequence | None = None):
        cursor = self._execute(sql, params)
        with warnings.catch_warnings():
            # DuckDB 1.5's conversion uses an `inplace` pandas 3.1 deprecates: its concern, not ours.
            warnings.filterwarnings("ignore", message="The inplace keyword")
            return cursor.df()

    def has_table(self, table: str) -> bool:
        return bool(self.rows(
            "select 1 from duckdb_tables() where database_name = ? and schema_name = ? and table_name = ?",
            [ALIAS, PUBLISHED_SCHEMA, table]))

    def column_comments(self) -> dict[tuple[str, str], str]:
        """(table, column) -> the description the mart carries (dbt's column docs)."""
        if self._comments is None:
            self._comments = {
                (table, column): comment or ""
                for table, column, comment in self.rows(
                    "select table_name, column_name, comment from duckdb_columns() "
                    "where database_name = ? and schema_name = ?", [ALIAS, PUBLISHED_SCHEMA])
            }
        return self._comments

    def describe(self, table: str, column: str) -> str:
        """A column's description: its own mart's, else that of the first mart with the same column."""
        comments = self.column_comments()
        found = comments.get((table, column))
        if found:
            return found
        return next((comment for (_, name), comment in sorted(comments.items()) if name == column and comment), "")


def read_published(path: Path, sql: str, params: Sequence = (), identity: FileIdentity | None = None):
    """One query on the published file, opened read-only and closed again, as a DataFrame. With
    `identity`, PublishedFileChanged unless the file read is that one."""
    with PublishedFile(path, expect=identity) as published:
        frame = published.frame(sql, params)
    if identity is not None and file_identity(path) != identity:
        raise PublishedFileChanged(str(path))
    return frame
