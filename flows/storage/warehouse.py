"""The warehouse files and the one-writer rule.

Files (under $IAOW_HOME/warehouse/):
- private.duckdb: raw zone (pseudonymised) + every dbt layer; the platform's source of truth.
- .next/private.duckdb: scratch copy where the next version is loaded, built and tested.
- iaow.duckdb: what analysts open (schema `marts` only), replaced atomically.

Writers are serialised by an exclusive flock on .writer.lock (released by the kernel if the
holder dies, so a crashed run never leaves a stale lock) inside the Prefect global concurrency
limit the flows take.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import socket
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb

from flows.config import Paths

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

LOCK_TIMEOUT_S = 600


class WarehouseBusy(Exception):
    """Another writer held the lock for longer than we were prepared to wait."""


@contextmanager
def writer_lock(p: Paths, timeout_s: float = LOCK_TIMEOUT_S, record: dict | None = None):
    """Exclusive, process-wide writer lock; the kernel drops it if the holder dies.

    The holder writes who it is (and its Prefect lease) into the file; the record is cleared on
    a normal release, so a record left behind belongs to a writer that died.
    """
    p.warehouse.mkdir(parents=True, exist_ok=True)
    with open(p.writer_lock, "a+") as handle:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WarehouseBusy(
                        f"the warehouse writer lock is held by {holder_record(p) or 'another process'}"
                    ) from None
                time.sleep(0.1)
        handle.seek(0)
        handle.truncate()
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": dt.datetime.now(dt.timezone.utc).isoformat(),
            **(record or {}),
        }
        handle.write(json.dumps(holder))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)


def try_writer_lock(p: Paths) -> bool:
    """True if nobody holds the writer lock right now (checked by taking and dropping it)."""
    if not p.writer_lock.exists():
        return True
    with open(p.writer_lock, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


def holder_record(p: Paths) -> dict:
    """What the current or last holder of the writer lock wrote about itself ({} if nothing)."""
    try:
        return json.loads(p.writer_lock.read_text() or "{}")
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def replace_durably(source: Path, target: Path) -> None:
    """Atomic rename that survives a power cut: file and directory are synced around it."""
    with open(source, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(source, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def fresh_scratch(target: Path) -> Path:
    """An empty place for a file being built: a crashed run's leftovers (and their WAL) are discarded."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (target, target.with_name(target.name + ".wal")):
        leftover.unlink(missing_ok=True)
    return target


def stage_next(p: Paths, target: Path | None = None) -> Path:
    """Start the next version from a copy of the committed private warehouse."""
    target = fresh_scratch(target or p.next_private_db)
    if p.private_db.exists():
        shutil.copyfile(p.private_db, target)
    with duckdb.connect(str(target)) as connection:
        connection.execute(RAW_DDL)
    return target


def checkpoint(db: Path) -> None:
    with duckdb.connect(str(db)) as connection:
        connection.execute("checkpoint")


def commit_next(p: Paths) -> None:
    """The commit point: the built and tested version becomes the private warehouse."""
    checkpoint(p.next_private_db)
    replace_durably(p.next_private_db, p.private_db)


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """A short read-only query; [] when the file does not exist yet."""
    if not db.exists():
        return []
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql, params or []).fetchall()


def table_exists(db: Path, schema: str, table: str) -> bool:
    return bool(
        query(db, "select 1 from duckdb_tables() where schema_name = ? and table_name = ?", [schema, table])
    )


def latest_publication_id(db: Path) -> str | None:
    """The newest publication a file carries (private or published): they must agree."""
    if not table_exists(db, "marts", "dim_publication"):
        return None
    rows = query(db, "select publication_id from marts.dim_publication order by published_at desc, publication_id desc limit 1")
    return rows[0][0] if rows else None
