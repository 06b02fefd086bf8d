"""The input-kind interface: what the pipeline asks of every kind of input, and nothing more.

An input kind (inspection returns, offender survey deliveries, ...) is one package under
`flows/sources/` with the same four modules, its GX suites in `expectations/`, its dbt staging
models and its tests (ARCHITECTURE.md, "Adding an input kind"):

    read.py      locate an input in the landing area and read it as text tables with row numbers
    validate.py  the GX suites and the checks against what is already published
    rows.py      typed raw-zone rows from a validated input
    kind.py      the `InputKind` that ties them together, and its names (events, flows, tables)

The pipeline (`flows.pipeline.ingest`) drives every kind through the same steps and never asks
which kind it holds.
"""

from __future__ import annotations

import datetime as dt
import os
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol

import pandas as pd

from flows.core import events
from flows.core.catalogue import Catalogue
from flows.core.entries import describe_entry
from flows.core.events import EventRecord
from flows.core.findings import Finding

READY_MARKER = "_READY"
WORKBOOK_SUFFIX = ".xlsx"


class UsageError(Exception):
    """The path given is not an input at all (exit code 2), as opposed to a broken input."""


@dataclass(frozen=True)
class Limits:
    """What one input of a kind may hold, enforced before anything is parsed (README, "Security").

    They bound the work and memory a single input can cost the worker, whatever it declares about
    itself: a workbook's declared dimension, a CSV's line count or a YAML file's aliases never
    decide how much is read.
    """

    file_bytes: int  # each file, as received
    rows: int  # each table, header included
    columns: int  # each table
    cells: int  # each table: the cells actually present (a workbook's real cells, not its dimension)
    header_bytes: int = 64 * 1024  # the key/value file (inspection.yaml, survey.yaml)
    header_keys: int = 50  # its keys (or the rows of a workbook's key/value sheet)
    sheets: int = 10  # a workbook's sheets, hidden ones included
    workbook_unpacked_bytes: int = 100 * 1024 * 1024  # a workbook's parts once unzipped (a zip bomb)


@dataclass(frozen=True)
class Source:
    """An input as found: a folder of files or one workbook, and the id its name claims."""

    path: Path  # the folder, or the workbook file
    layout: str  # "folder" or "workbook"
    name: str  # the id the folder or workbook name claims
    files: tuple[Path, ...]  # its content files, in name order (no _READY, no hidden files)
    # entries that are not regular files (links, folders, devices, ...): (name, what it is); never
    # opened, copied, archived or quarantined, and each one is a finding
    refused: tuple[tuple[str, str], ...] = ()


def scan_folder(folder: Path) -> tuple[tuple[Path, ...], tuple[tuple[str, str], ...]]:
    """A folder input's content files, and the entries refused (links, folders, devices); the
    completion marker and hidden files (editor/OS litter) are neither. Nothing is followed: each
    entry is judged by what it is, not by what it points to."""
    files, refused = [], []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name == READY_MARKER or entry.name.startswith("."):
                continue
            info = entry.stat(follow_symlinks=False)
            what = describe_entry(info.st_mode, info.st_nlink)
            if what is None:
                files.append(Path(folder) / entry.name)
            else:
                refused.append((entry.name, what))
    return tuple(sorted(files)), tuple(sorted(refused))


def locate_entry(path: Path, layout: str, name: str) -> Source | None:
    """The input at `path` when `path` itself is not a plain folder or file (a link to one, a
    device, ...): a source with nothing to read and the path refused; None when it is plain."""
    info = os.lstat(path)
    what = describe_entry(info.st_mode, 1 if layout == "folder" else info.st_nlink)
    if what is None or (layout == "folder" and what == "a folder"):
        return None
    return Source(path=path, layout=layout, name=name, files=(), refused=((path.name, what),))


def content_files(folder: Path) -> tuple[Path, ...]:
    """A folder input's regular files (scan_folder without the refused entries)."""
    return scan_folder(folder)[0]


@dataclass
class Table:
    """One table as text. Index = spreadsheet row number (header is row 1)."""

    name: str
    source: str  # how findings name it: "cases.csv" or "x.xlsx, sheet cases"
    frame: pd.DataFrame


@dataclass
class Parsed:
    """An input read: its key/value file (inspection.yaml, survey.yaml) as a one-row table, and its tables."""

    source: Source
    header_table: Table
    tables: dict[str, Table] = field(default_factory=dict)

    @property
    def header(self) -> pd.Series:
        """The key/value file's values as one row."""
        return self.header_table.frame.iloc[0]


@dataclass(frozen=True)
class Receipt:
    """What the archive says of an input: its content hash and when it was first received."""

    sha256: str
    received_at: dt.datetime


class WarehouseReader(Protocol):
    """Read-only access to a warehouse file (the committed private warehouse, or a built scratch
    copy), as the storage layer gives it: kinds check new inputs against it."""

    def rows(self, sql: str, params: Sequence | None = None) -> list[tuple]: ...

    def has_table(self, schema: str, table: str) -> bool: ...


@dataclass(frozen=True)
class PublishedSummary:
    """What a publication of one input put out, for the run's message and the CLI."""

    text: str  # "outcome scores 1: 79%, ..." or "565 responses from 14 areas"
    scores: tuple[tuple[int, str, int | None], ...] = ()  # an inspection's (outcome, name, percentage)


class InputKind(ABC):
    """One kind of input. Class attributes name it everywhere; methods are its stages."""

    name: ClassVar[str]  # "inspection": resources iaow.<name>.<id>, status, summaries
    noun: ClassVar[str]  # "return", "delivery": what people call one
    title: ClassVar[str]  # "inspection returns": a heading over several
    header_file: ClassVar[str]  # the key/value file every input of the kind holds (inspection.yaml)
    landing_folder: ClassVar[str]  # landing/<folder>/ and archive/<folder>/
    accepts_workbooks: ClassVar[bool]  # <id>.xlsx beside the folders
    id_key: ClassVar[str]  # the id's key in the header file and column in the raw zone
    sha_column: ClassVar[str]  # where the raw zone keeps the content hash of the current input
    raw_tables: ClassVar[tuple[str, ...]]  # raw tables holding one id's rows; the first holds its header
    dimension: ClassVar[str]  # the mart listing what is published: id_key, sha_column, published_at
    publication_reason: ClassVar[str]  # raw.publications.reason
    flow_name: ClassVar[str]  # the Prefect flow
    run_prefix: ClassVar[str]  # its runs are named <prefix>-<id>
    deployment_prefix: ClassVar[str]  # its deployment <prefix>-<home id> runs on ...
    trigger_prefix: ClassVar[str]  # ... the trigger <prefix>-<home id>, on ...
    landed_event: ClassVar[str]  # ... this event, which the landing watcher emits
    limits: ClassVar[Limits]  # what one input may hold (README, "Security")

    # ---------------------------------------------------------------- finding and reading

    @abstractmethod
    def claims(self, path: Path) -> bool:
        """Whether `path` (given to `iaow ingest`) is one of this kind's inputs."""

    @abstractmethod
    def locate(self, path: Path) -> Source:
        """The input at `path`, or UsageError when it cannot be one."""

    @abstractmethod
    def read(self, source: Source) -> Parsed:
        """Every table as text, or ReturnRejected naming each structural problem."""

    def archived(self, source: Source, files: Sequence[Path]) -> Source:
        """The same input, read from its archived copies (everything after archiving reads those)."""
        path = files[0] if source.layout == "workbook" else files[0].parent if files else source.path
        return Source(path, source.layout, source.name, tuple(files))

    # ---------------------------------------------------------------- personal data and validation

    @abstractmethod
    def pseudonymise(self, parsed: Parsed, key: bytes) -> None:
        """Swap every personal identifier for its keyed pseudonym and drop free text, in place."""

    @abstractmethod
    def validate(self, parsed: Parsed, catalogue: Catalogue, committed: WarehouseReader):
        """The GX suites over every table (a ValidationResult): findings name file, row and rule."""

    def conflicts(self, parsed: Parsed, committed: WarehouseReader) -> list[Finding]:
        """Checks against what is already committed, made inside the writer slot (none by default)."""
        return []

    # ---------------------------------------------------------------- loading and announcing

    def input_id(self, parsed: Parsed) -> str:
        return str(parsed.header[self.id_key])

    def inspection_of(self, parsed: Parsed) -> str | None:
        """The inspection a publication of this input is about (raw.publications), if any."""
        return None

    @abstractmethod
    def raw_rows(self, parsed: Parsed, catalogue: Catalogue, receipt: Receipt, publication_id: str) -> dict[str, pd.DataFrame]:
        """Typed raw-zone rows, table by table, from a validated input."""

    def current_sha256(self, committed: WarehouseReader, input_id: str) -> str | None:
        """The content hash of the input currently published under this id."""
        header = self.raw_tables[0]
        if not committed.has_table("raw", header):
            return None
        rows = committed.rows(f"select {self.sha_column} from raw.{header} where {self.id_key} = ?", [input_id])
        return rows[0][0] if rows else None

    def published_hashes(self, committed: WarehouseReader) -> set[str]:
        header = self.raw_tables[0]
        if not committed.has_table("raw", header):
            return set()
        return {row[0] for row in committed.rows(f"select {self.sha_column} from raw.{header}")}

    def resource(self, input_id: str, home_id: str | None = None) -> dict[str, str]:
        return events.resource(self.name, input_id, home_id)

    def landed(self, input_id: str, path: str, sha256: str, home_id: str | None = None) -> EventRecord:
        """The event the landing watcher emits: the payload names the path, the hash and the id."""
        return EventRecord(self.landed_event, self.resource(input_id, home_id),
                           {"path": path, self.sha_column: sha256, self.id_key: input_id})

    @abstractmethod
    def announcements(self, parsed: Parsed, built: WarehouseReader, publication_id: str, sha256: str,
                      summary: PublishedSummary) -> list[EventRecord]:
        """The events a publication of this input owes (scores published, group completed, ...),
        computed from the built copy before it is committed."""

    @abstractmethod
    def summarise(self, built: WarehouseReader, input_id: str) -> PublishedSummary:
        """What is (or is about to be) published for this input, from a warehouse file."""

    def artifact_markdown(self, input_id: str, publication_id: str, sha256: str, summary: PublishedSummary,
                          suites_markdown: list[str]) -> str:
        """The Markdown artifact of a published run: validation summary and what was published.
        Every value is escaped (`inert.escape_markdown`), so none renders as a link, an image or
        HTML in Prefect's UI; `suites_markdown` is Markdown already escaped by its writer
        (`flows.reporting.rejection.suites_markdown`)."""
        from flows.core.inert import escape_markdown as md

        return "\n".join([
            f"# {md(input_id)}: published", "",
            f"Publication {md(publication_id)}, {md(self.noun)} {md(sha256)}: {md(summary.text)}.", "",
            "## Validation", "", *suites_markdown,
        ])

