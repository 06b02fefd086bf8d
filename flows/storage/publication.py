"""The publication protocol: the one way the warehouse changes, for a return, a survey delivery
and the rescore alike (write-audit-publish).

    stage    copy private.duckdb to .next/private.duckdb (the committed file is never written in place)
    load     the caller's rows, in one transaction with the publication's record   · crash point after-load
    build    dbt: seeds, models, contracts, data tests on the scratch copy          · crash point after-build
             (the caller may now read the built copy: what would change, what to announce)
    owe      the outbox entry: what the publication will owe once it is out (its disclosure log,
             taken from the scratch copy now; the caller's events and artifact), written durably
    commit   rename .next/private.duckdb over private.duckdb: the platform's truth  · crash point after-commit
    export   schema `marts` into .publish/iaow.duckdb                               · crash point before-publish-rename
    swap     rename it over iaow.duckdb: the analysts' view                         · crash point after-publish-rename
    deliver  what the outbox entry owes, each step marked done as it succeeds

A failure or crash before the commit leaves both files as they were (the next stage discards the
scratch copy, and an outbox entry of a publication the private warehouse does not record is
dropped). After the commit, `recover()`, which every writer runs first, exports a private
warehouse the published file is behind, and delivers whatever an entry still owes: a rerun
finishes the job exactly once. A step that fails after the swap never undoes the publication:
the result names what is left, and the next writer delivers it.

The published file holds schema `marts` only (tables with their constraints and the dbt docs as
comments), never the raw zone, so case-level rows never leave the private file.

Who may read what: the private warehouse, its scratch copies, the outbox and the disclosure logs
are the owner's only (files 600, folders 700); the published file is readable by analysts (644, or
640 for IAOW_PUBLISHED_GROUP), its mode set before the swap. Each publication starts by tightening
what an older version left (`secure_data_directory`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from flows.config import Paths, serving_reader_role, serving_url
from flows.storage.duckdb_sql import attach_read_only, quote
from flows.storage.faults import crash_point
from flows.storage.files import (
    append_private_line,
    fresh_scratch,
    make_private,
    private_folder,
    publish_file,
    published_folder,
    replace_durably,
    secure_data_directory,
    write_private,
)
from flows.storage.raw_zone import Publication, record_publication
from flows.storage.serving import serve_published, served_publication
from flows.storage.warehouse import (
    WarehouseState,
    commit_next,
    latest_publication_id,
    publication_recorded,
    stage_next,
    table_exists,
)

log = logging.getLogger("iaow.publication")

PUBLISHED_SCHEMA = "marts"
DISCLOSURE_LOG_TABLE = "audit.audit_disclosure_log"
OWED_FILE = "owed.json"
STEPS_LOG = "steps.jsonl"
DISCLOSURE_FILE = "disclosure.csv"
DISCLOSURE_STEP = "disclosure_log"
SERVING_STEP = "serving"  # the serving database's marts (flows.storage.serving), when one is configured

Loader = Callable[[duckdb.DuckDBPyConnection], None]
Builder = Callable[[Paths, Path], Any]
Delivery = Callable[[dict[str, Any]], None]


def literal(text: str) -> str:
    """A comment as a SQL string literal (COMMENT ON takes no parameter). Never a path: see duckdb_sql."""
    return "'" + text.replace("'", "''") + "'"


# ------------------------------------------------------------------ what a publication owes


@dataclass(frozen=True)
class Owed:
    """One thing a publication owes once it is out: `kind` names who delivers it (the protocol
    itself for the disclosure log; the caller's deliveries for "event" and "artifact")."""

    kind: str
    label: str  # said to people: "event iaow.scores.published", "disclosure log"
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Left:
    label: str
    error: str


@dataclass
class Delivered:
    """What became of one publication's owed steps."""

    publication_id: str
    done: list[str] = field(default_factory=list)
    left: list[Left] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.left

    def describe_left(self) -> str:
        return "; ".join(f"{item.label} ({item.error})" for item in self.left)


@dataclass
class Recovery:
    """What `recover()` finished of earlier publications."""

    exported: str | None = None  # the publication a crash had committed but not yet published
    delivered: list[Delivered] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # outbox entries of publications never committed

    @property
    def did_anything(self) -> bool:
        return bool(self.exported or self.dropped or any(d.done for d in self.delivered))

    @property
    def left(self) -> list[Left]:
        return [item for delivered in self.delivered for item in delivered.left]


class Outbox:
    """warehouse/.outbox/<publication_id>/: owed.json (the steps, written once, atomically),
    steps.jsonl (one line appended, durably, as each step is delivered or fails: a publication
    of hundreds of inputs owes hundreds of steps, and rewriting the whole entry after each one
    would cost the square of their number) and the disclosure log taken from the built copy."""

    def __init__(self, p: Paths):
        self.root = p.outbox

    def folder(self, publication_id: str) -> Path:
        return self.root / publication_id

    def entries(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(entry.name for entry in self.root.iterdir() if (entry / OWED_FILE).is_file())

    def read(self, publication_id: str) -> dict[str, Any]:
        """The entry with each step's latest outcome from the step log."""
        entry = json.loads((self.folder(publication_id) / OWED_FILE).read_text())
        log_file = self.folder(publication_id) / STEPS_LOG
        if log_file.is_file():
            for line in log_file.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    record = json.loads(line)
                    step = entry["steps"][record["step"]]
                except (ValueError, KeyError, IndexError, TypeError):
                    continue  # a line a crash cut short: that step is owed still
                step["done"], step["error"] = bool(record["done"]), record.get("error")
        return entry

    def create(self, publication_id: str, owed: Sequence[Owed]) -> None:
        write_private(self.folder(publication_id) / OWED_FILE, json.dumps({
            "publication_id": publication_id,
            "created_at": dt.datetime.now(dt.timezone.utc).isoformat(),
            "steps": [{"kind": o.kind, "label": o.label, "data": o.data, "done": False, "error": None} for o in owed],
        }, indent=1, sort_keys=True), self.root)

    def mark(self, publication_id: str, step: int, done: bool, error: str | None = None) -> None:
        append_private_line(self.folder(publication_id) / STEPS_LOG,
                            json.dumps({"step": step, "done": done, "error": error}), self.root)

    def drop(self, publication_id: str) -> None:
        shutil.rmtree(self.folder(publication_id), ignore_errors=True)

    def pending(self) -> list[tuple[str, list[str]]]:
        """(publication id, labels of the steps it still owes), oldest first: for `iaow status`."""
        found = []
        for publication_id in self.entries():
            try:
                steps = self.read(publication_id)["steps"]
            except (OSError, ValueError, KeyError):
                continue
            found.append((publication_id, [s["label"] for s in steps if not s["done"]]))
        return found


# ------------------------------------------------------------------ the protocol


@dataclass(frozen=True)
class Prepared:
    """A publication loaded and built in the scratch copy, not yet committed."""

    publication: Publication
    database: Path

    def state(self) -> WarehouseState:
        return WarehouseState(self.database)


class Publisher:
    """Runs the protocol for one writer (the caller holds the writer slot)."""

    def __init__(self, p: Paths, deliveries: Mapping[str, Delivery] | None = None, build: Builder | None = None):
        self.p = p
        self.outbox = Outbox(p)
        self.deliveries = {DISCLOSURE_STEP: self._deliver_disclosure_log, SERVING_STEP: self._deliver_serving,
                           **(deliveries or {})}
        if build is None:
            from flows.storage.transform import build_warehouse

            build = build_warehouse
        self._build = build

    # ---------------------------------------------------------------- before the commit

    def stage_and_load(self, publication: Publication, load: Loader | None = None, empty: bool = False) -> Prepared:
        """A fresh scratch copy with the caller's rows and the publication's record, in one
        transaction; `empty`: start from nothing (a rebuild), not from the committed warehouse."""
        secure_data_directory(self.p, deep=False)  # what an older version, or a looser umask, left open
        database = stage_next(self.p, empty=empty)
        with duckdb.connect(str(database)) as connection:
            connection.execute("begin")
            if load is not None:
                load(connection)
            record_publication(connection, publication)
            connection.execute("commit")
        crash_point("after-load")
        return Prepared(publication, database)

    def build(self, prepared: Prepared, on_progress: Callable[[int, int], None] | None = None) -> Any:
        """dbt build and tests on the scratch copy; raises DbtBuildFailed naming the failing nodes.
        on_progress(done, total), when given, is passed to the builder (dbt's nodes as they finish)."""
        built = (self._build(self.p, prepared.database) if on_progress is None
                 else self._build(self.p, prepared.database, on_progress))
        crash_point("after-build")
        return built

    def discard(self, prepared: Prepared) -> None:
        """Drop a prepared publication (a dry run, a rejected input): nothing was committed."""
        fresh_scratch(prepared.database)

    # ---------------------------------------------------------------- the commit and after

    def complete(self, prepared: Prepared, owed: Sequence[Owed] = ()) -> Delivered:
        """Owe, commit, export, swap, deliver. From the commit on the publication stands: a failure
        of the export raises (the next writer's recover() publishes it), a failure of a step after
        the swap is reported in the result and left in the outbox for the next writer."""
        publication_id = prepared.publication.publication_id
        steps = list(owed)
        if self._take_disclosure_log(prepared):
            steps.insert(0, Owed(DISCLOSURE_STEP, "disclosure log", {"publication_id": publication_id}))
        if serving_url() is not None:
            # Last: analysts' tools see the new marts once everything else about them is out.
            steps.append(Owed(SERVING_STEP, "serving database", {"publication_id": publication_id}))
        self.outbox.create(publication_id, steps)
        commit_next(self.p)  # from here the new version is the platform's truth ...
        crash_point("after-commit")
        self.export()  # ... and this makes it the analysts' (redone by recover() if we crash between)
        return self.deliver(publication_id)

    def recover(self) -> Recovery:
        """Finish what earlier writers left: drop outbox entries of publications never committed,
        publish a committed private warehouse the published file is behind, deliver what is owed."""
        recovery = Recovery()
        for publication_id in self.outbox.entries():
            if not publication_recorded(self.p.private_db, publication_id):
                self.outbox.drop(publication_id)  # crashed before its commit: it never happened
                recovery.dropped.append(publication_id)
        private = latest_publication_id(self.p.private_db)
        if private is not None and latest_publication_id(self.p.published_db) != private:
            self.export()
            recovery.exported = private
        for publication_id in self.outbox.entries():
            recovery.delivered.append(self.deliver(publication_id))
        return recovery

    def export(self) -> None:
        """Write schema `marts` of the private warehouse into a new file and swap it in."""
        target = fresh_scratch(self.p.next_published_db)
        with duckdb.connect(str(target)) as connection:
            attach_read_only(connection, self.p.private_db, "src")
            connection.execute(f"create schema {PUBLISHED_SCHEMA}")
            tables = connection.execute(
                "select table_name, sql, comment from duckdb_tables() "
                "where database_name = 'src' and schema_name = ? order by table_name",
                [PUBLISHED_SCHEMA],
            ).fetchall()
            for table, ddl, comment in tables:
                # duckdb_tables().sql is the CREATE statement with constraints; unqualified by
                # catalog, so it creates the table in this file.
                connection.execute(ddl)
                name = f"{PUBLISHED_SCHEMA}.{quote(table)}"
                connection.execute(f"insert into {name} select * from src.{name}")
                if comment:
                    connection.execute(f"comment on table {name} is {literal(comment)}")
            columns = connection.execute(
                "select table_name, column_name, comment from duckdb_columns() "
                "where database_name = 'src' and schema_name = ? and comment is not null",
                [PUBLISHED_SCHEMA],
            ).fetchall()
            for table, column, comment in columns:
                connection.execute(f"comment on column {PUBLISHED_SCHEMA}.{quote(table)}.{quote(column)} is {literal(comment)}")
            connection.execute("detach src")
            connection.execute("checkpoint")
        published_folder(self.p.warehouse, self.p.home)  # the way to it open to analysts
        crash_point("before-publish-rename")
        publish_file(target, self.p.published_db)  # readable by analysts before it appears
        crash_point("after-publish-rename")

    def deliver(self, publication_id: str) -> Delivered:
        """Deliver every step the publication still owes, in order; each is marked done at once."""
        entry = self.outbox.read(publication_id)
        result = Delivered(publication_id)
        for index, step in enumerate(entry["steps"]):
            if step["done"]:
                continue
            delivery = self.deliveries.get(step["kind"])
            try:
                if delivery is None:
                    raise LookupError(f"nothing here delivers {step['kind']!r}")
                delivery(step["data"])
            except Exception as error:  # left for the next writer: the publication stands
                error_text = f"{type(error).__name__}: {error}"
                result.left.append(Left(step["label"], error_text))
                log.warning("publication %s: %s not delivered: %s", publication_id, step["label"], error_text)
                self.outbox.mark(publication_id, index, False, error_text)
            else:
                result.done.append(step["label"])
                self.outbox.mark(publication_id, index, True)
        if result.complete:
            self.outbox.drop(publication_id)
        return result

    # ---------------------------------------------------------------- the disclosure log

    def _take_disclosure_log(self, prepared: Prepared) -> bool:
        """The built copy's disclosure log into the outbox: the publication delivers it once out."""
        if not table_exists(prepared.database, "audit", "audit_disclosure_log"):
            return False
        folder = private_folder(self.outbox.folder(prepared.publication.publication_id), self.outbox.root)
        partial = folder / (DISCLOSURE_FILE + ".part")
        with duckdb.connect(str(prepared.database), read_only=True) as connection:
            connection.execute(
                f"copy (select * from {DISCLOSURE_LOG_TABLE} "
                "order by result_set, results_level, unit_id, question_id, answer_option) "
                "to ? (header, delimiter ',')",
                [str(partial)],
            )
        make_private(partial)
        replace_durably(partial, folder / DISCLOSURE_FILE)
        return True

    def _deliver_disclosure_log(self, data: dict[str, Any]) -> None:
        """disclosure/<publication_id>.csv: what the publication withheld and why (no counts), for
        the research team."""
        publication_id = data["publication_id"]
        source = self.outbox.folder(publication_id) / DISCLOSURE_FILE
        write_private(self.p.disclosure / f"{publication_id}.csv", source.read_bytes(), self.p.disclosure)

    def _deliver_serving(self, data: dict[str, Any]) -> None:
        """The serving database's `marts` replaced with the published file's, unless it already
        holds that publication (a step left by an earlier run, delivered after a newer one)."""
        url = serving_url()
        if url is None:
            return  # serving was switched off since the step was owed
        if served_publication(url) != latest_publication_id(self.p.published_db):
            serve_published(self.p.published_db, url, serving_reader_role())


def disclosure_log_path(p: Paths, publication_id: str) -> Path:
    return p.disclosure / f"{publication_id}.csv"
