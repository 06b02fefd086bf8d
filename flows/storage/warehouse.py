"""The private warehouse: its scratch copy, the commit, and short read-only queries.

Files (under $IAOW_HOME/warehouse/):
- private.duckdb: raw zone (pseudonymised) + every dbt layer; the platform's source of truth.
- .next/private.duckdb: scratch copy where the next version is loaded, built and tested.
Only the publication protocol (flows.storage.publication) writes them, inside the writer slot.
Both are the owner's only (600; .next/ 700): the scratch copy is made so before it is written, and
the commit renames it, mode and all, over private.duckdb.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb

from flows.config import Paths
from flows.storage.files import fresh_scratch, make_private, replace_durably
from flows.storage.raw_zone import create_raw_zone


def stage_next(p: Paths, target: Path | None = None, empty: bool = False) -> Path:
    """Start the next version from a copy of the committed private warehouse (or, for a rebuild
    from the archive, from nothing)."""
    target = fresh_scratch(target or p.next_private_db)
    if p.private_db.exists() and not empty:
        shutil.copyfile(p.private_db, target)
        make_private(target)
    with duckdb.connect(str(target)) as connection:
        create_raw_zone(connection)
    return make_private(target)  # DuckDB created it under the process's umask


def checkpoint(db: Path) -> None:
    with duckdb.connect(str(db)) as connection:
        connection.execute("checkpoint")


def commit_next(p: Paths) -> None:
    """The commit point: the built and tested version becomes the private warehouse."""
    checkpoint(p.next_private_db)
    make_private(p.next_private_db)
    replace_durably(p.next_private_db, p.private_db)


def query(db: Path, sql: str, params: Sequence | None = None) -> list[tuple]:
    """A short read-only query of a private file; [] when the file does not exist yet."""
    if not db.exists():
        return []
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql, list(params or [])).fetchall()


def table_exists(db: Path, schema: str, table: str) -> bool:
    return bool(query(db, "select 1 from duckdb_tables() where schema_name = ? and table_name = ?", [schema, table]))


# The newest publication a set of marts carries; plain SQL, so the serving database answers it too.
LATEST_PUBLICATION_SQL = "select publication_id from marts.dim_publication order by published_at desc, publication_id desc limit 1"


def latest_publication_id(db: Path) -> str | None:
    """The newest publication a file carries (private or published): they must agree."""
    if not table_exists(db, "marts", "dim_publication"):
        return None
    rows = query(db, LATEST_PUBLICATION_SQL)
    return rows[0][0] if rows else None


def publication_recorded(db: Path, publication_id: str) -> bool:
    """Whether the raw zone of `db` records this publication (it was committed there)."""
    if not table_exists(db, "raw", "publications"):
        return False
    return bool(query(db, "select 1 from raw.publications where publication_id = ?", [publication_id]))


class WarehouseState:
    """What a warehouse file holds, read-only: the committed private warehouse (what input kinds
    check a new input against) or a built scratch copy (what is about to be published)."""

    def __init__(self, db: Path):
        self.db = db

    def rows(self, sql: str, params: Sequence | None = None) -> list[tuple]:
        return query(self.db, sql, params)

    def has_table(self, schema: str, table: str) -> bool:
        return table_exists(self.db, schema, table)


class ConnectionState:
    """What an open connection sees, its own uncommitted writes included (a batch checks each
    input against the programme with the inputs before it loaded)."""

    def __init__(self, connection: duckdb.DuckDBPyConnection):
        self.connection = connection

    def rows(self, sql: str, params: Sequence | None = None) -> list[tuple]:
        return self.connection.execute(sql, list(params or [])).fetchall()

    def has_table(self, schema: str, table: str) -> bool:
        return bool(self.rows("select 1 from duckdb_tables() where schema_name = ? and table_name = ?", [schema, table]))


@contextmanager
def reading(db: Path) -> Iterator[ConnectionState | EmptyWarehouse]:
    """One read-only connection for many short reads (a batch of hundreds asks several each); an
    empty programme when the file does not exist yet. Close it before anything writes the file."""
    if not db.exists():
        yield EmptyWarehouse()
        return
    with duckdb.connect(str(db), read_only=True) as connection:
        yield ConnectionState(connection)


class EmptyWarehouse:
    """A programme with nothing published: what a rebuild checks each archived input against."""

    def rows(self, sql: str, params: Sequence | None = None) -> list[tuple]:
        return []

    def has_table(self, schema: str, table: str) -> bool:
        return False


def committed(p: Paths) -> WarehouseState:
    return WarehouseState(p.private_db)
