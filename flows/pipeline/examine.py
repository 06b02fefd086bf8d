"""Examining an input before any writer is involved: archive it as received, parse the archived
copy, pseudonymise, validate with the GX suites.

Pure of Prefect (the ingest flow wraps it in a task), so that a batch of many inputs, a backfill
of years of returns, can be examined in several processes at once: GX is CPU-bound Python, so
threads would not help, and its cost, about 0.4 s an input, would otherwise dominate a backfill.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any

from flows.config import Paths, check_processes
from flows.core.catalogue import load_catalogue
from flows.core.findings import Finding, ReturnRejected
from flows.sources.base import InputKind, Parsed, Source, WarehouseReader
from flows.sources.registry import kind_named
from flows.sources.validation import ValidationResult
from flows.storage.archive import Archived, archive_files, receipt_of
from flows.storage.keys import load_or_create_key
from flows.storage.warehouse import EmptyWarehouse, committed

# Below this many inputs one process examines them all: a new process pays the imports of
# pandas and GX (about 4 s) before its first input, more than it saves on a few.
PROCESSES_FROM_INPUTS = 24


@dataclass
class Examined:
    """One input after examination: `parsed` is None when it could not be read at all."""

    kind_name: str
    source: Source  # the archived copy: everything after the archive reads it, never landing/
    archived: Archived
    parsed: Parsed | None
    validation: ValidationResult

    @property
    def kind(self) -> InputKind:
        return kind_named(self.kind_name)

    @property
    def ok(self) -> bool:
        return self.parsed is not None and self.validation.ok

    @property
    def findings(self) -> list[Finding]:
        return self.validation.findings


def archive_as_received(kind: InputKind, landed: Source, p: Paths) -> Archived:
    """The first step: a read-only, content-addressed copy; everything after reads the copy."""
    return archive_files(landed.files, p.archive, kind.landing_folder, name=landed.name, layout=landed.layout,
                         received_from=landed.path, refused=landed.refused, max_file_bytes=kind.limits.file_bytes)


def refused_findings(kind: InputKind, archived: Archived) -> list[Finding]:
    """Entries that were not taken (links, folders, devices, files over the limit): each one a
    finding; nothing of them was read, copied or archived."""
    return [
        Finding(source=name, rule_id="return.files.regular",
                rule=f"a {kind.noun} may hold only regular files within the size limit: this is {what}; "
                "nothing of it was read")
        for name, what in archived.refused
    ]


def examine(kind_name: str, path: str, p: Paths) -> Examined:
    """An input as it lands: archived as received, then read from the archived copy, pseudonymised
    and validated against the programme as committed."""
    kind = kind_named(kind_name)
    landed = kind.locate(Path(path))
    archived = archive_as_received(kind, landed, p)
    return _read_and_validate(kind, kind.archived(landed, archived.files), archived, p, committed(p))


def examine_archived(kind_name: str, archived: Archived, p: Paths) -> Examined:
    """An input from the archive, for a rebuild: read and checked as when it arrived, as into an
    empty programme (the rebuild loads them all, in order, into an empty warehouse)."""
    receipt = receipt_of(archived)
    source = Source(archived.folder, receipt["kind"], receipt["return_name"], archived.files, archived.refused)
    return _read_and_validate(kind_named(kind_name), source, archived, p, EmptyWarehouse())


def _read_and_validate(kind: InputKind, source: Source, archived: Archived, p: Paths, programme: WarehouseReader) -> Examined:
    if archived.refused:
        return Examined(kind.name, source, archived, None, ValidationResult(refused_findings(kind, archived), []))
    try:
        parsed = kind.read(source)
    except ReturnRejected as rejected:
        return Examined(kind.name, source, archived, None, ValidationResult(rejected.findings, []))
    kind.pseudonymise(parsed, load_or_create_key(p.pseudonym_key_file))
    return Examined(kind.name, source, archived, parsed, kind.validate(parsed, load_catalogue(), programme))


def examine_all(examination: Callable[[str, Any, Paths], Examined], inputs: Sequence[tuple[str, Any]], p: Paths,
                each: Callable[[Examined], None] = lambda _: None, processes: int | None = None) -> list[Examined]:
    """`examination` (examine or examine_archived) of each (kind name, input), in the same order;
    `each` is called with every one as it is done, in order. A batch of PROCESSES_FROM_INPUTS or
    more is shared by several processes (IAOW_CHECK_PROCESSES)."""
    processes = min(processes or check_processes(), len(inputs))
    found: list[Examined] = []
    if processes <= 1 or len(inputs) < PROCESSES_FROM_INPUTS:
        for kind_name, item in inputs:
            found.append(examination(kind_name, item, p))
            each(found[-1])
        return found
    load_or_create_key(p.pseudonym_key_file)  # made once, here, never by two processes at once
    kinds, items = zip(*inputs)
    # spawn, not fork: the caller runs Prefect's event loop and threads, which a fork would copy half-way.
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        for examined in pool.map(examination, kinds, items, repeat(p)):
            found.append(examined)
            each(examined)
    return found
