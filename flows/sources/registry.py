"""Every input kind the platform takes, in the order `iaow ingest PATH` asks them whose a path is:
the kind whose claim is most specific first (a survey delivery is a folder holding survey.yaml;
an inspection return is any other folder or workbook)."""

from __future__ import annotations

from pathlib import Path

from flows.sources.base import WORKBOOK_SUFFIX, InputKind, UsageError
from flows.sources.inspections.kind import KIND as INSPECTIONS
from flows.sources.surveys.kind import KIND as SURVEYS

KINDS: tuple[InputKind, ...] = (SURVEYS, INSPECTIONS)


def kind_for(path: Path) -> InputKind:
    """The kind of input at `path`, or UsageError when it is none."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    for kind in KINDS:
        if kind.claims(path):
            return kind
    raise UsageError(f"{path}: not an input (a return is a folder or an .xlsx workbook; a survey delivery a folder)")


def kind_named(name: str) -> InputKind:
    return next(kind for kind in KINDS if kind.name == name)


def kind_for_files(names: list[str]) -> InputKind:
    """The kind of input that holds these files (its header file, or a workbook of a kind that takes them)."""
    for kind in KINDS:
        if kind.header_file in names or (kind.accepts_workbooks and any(n.lower().endswith(WORKBOOK_SUFFIX) for n in names)):
            return kind
    return KINDS[-1]


def inputs_in(path: Path) -> list[Path]:
    """The inputs at `path`: itself when it is one; when it is a folder of inputs (only folders
    and workbooks in it, such as `landing/` or `landing/inspections/`), every input under it, in
    name order. Hidden entries are neither."""
    path = Path(path)
    if path.is_dir() and not path.is_symlink():
        entries = sorted(entry for entry in path.iterdir() if not entry.name.startswith("."))
        is_collection = entries and all(
            (entry.is_dir() and not entry.is_symlink()) or entry.suffix.lower() == WORKBOOK_SUFFIX for entry in entries
        ) and not any(kind.header_file == entry.name for kind in KINDS for entry in entries)
        if is_collection:
            return [found for entry in entries for found in inputs_in(entry)]
    kind_for(path)  # UsageError when it is no input at all
    return [path]
