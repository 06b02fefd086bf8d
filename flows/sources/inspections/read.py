"""Inspection returns, landing contract v1: find a return and read its tables as text, with row numbers.

One folder per inspection, `landing/inspections/<inspection_id>/` (complete when `_READY` is
written last), or one workbook `<inspection_id>.xlsx` with the same tables as sheets plus a
sheet `inspection` of key/value rows.
"""

from __future__ import annotations

from pathlib import Path

from flows.core.findings import Finding, ReturnRejected
from flows.sources.base import WORKBOOK_SUFFIX, Limits, Parsed, Source, Table, UsageError, locate_entry, scan_folder
from flows.sources.files import (
    check_members,
    check_name_is_slug,
    frame_from_records,
    key_value_sheet,
    open_workbook,
    read_csv_table,
    read_key_value_yaml,
    sheet_records,
    workbook_sheets,
)

INSPECTION_FILE = "inspection.yaml"
# The keys of inspection.yaml (expectations/inspection.py, KEYS): the only keys a finding may name.
INSPECTION_KEYS = ("inspection_id", "area", "group_id", "group_theme", "position_in_group", "fieldwork_start",
                   "methodology", "synthetic")
REQUIRED_TABLES = ("cases", "answers")
OPTIONAL_TABLES = ("victim_questionnaire", "context")
TABLES = REQUIRED_TABLES + OPTIONAL_TABLES


def locate_return(path: Path) -> Source:
    """The return at `path`; a link (to a folder or a workbook) is refused, never followed."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise UsageError(f"{path}: no such file or folder")
    if path.is_dir():
        return locate_entry(path, "folder", path.name) or Source(path, "folder", path.name, *scan_folder(path))
    if path.suffix.lower() == WORKBOOK_SUFFIX:
        return locate_entry(path, "workbook", path.stem) or Source(path, "workbook", path.stem, (path,))
    raise UsageError(f"{path}: a return is a folder or an .xlsx workbook")


def read_return(source: Source, limits: Limits) -> Parsed:
    """Read every table of the return within `limits`, or raise ReturnRejected naming each structural problem."""
    findings: list[Finding] = []
    check_name_is_slug(source, "return.name.slug", "folder or workbook", "inspection id", "hampshire-2013", findings)
    reader = _read_workbook if source.layout == "workbook" else _read_folder
    inspection, tables = reader(source, limits, findings)
    if findings:
        raise ReturnRejected(source.name, findings)
    assert inspection is not None
    return Parsed(source=source, header_table=inspection, tables=tables)


# ---------------------------------------------------------------- folders


def _read_folder(source: Source, limits: Limits, findings: list[Finding]):
    present = {p.name: p for p in source.files}
    check_members(
        set(present),
        allowed=[INSPECTION_FILE] + [f"{t}.csv" for t in TABLES],
        required=[INSPECTION_FILE] + [f"{t}.csv" for t in REQUIRED_TABLES],
        what="file",
        label=lambda name: name,
        findings=findings,
    )

    inspection = None
    if INSPECTION_FILE in present:
        inspection = read_key_value_yaml(present[INSPECTION_FILE], "inspection", limits, INSPECTION_KEYS, findings)
    tables = {}
    for table in TABLES:
        file = present.get(f"{table}.csv")
        if file is not None:
            frame = read_csv_table(file, limits, findings)
            if frame is not None:
                tables[table] = Table(table, file.name, frame)
    return inspection, tables


# ---------------------------------------------------------------- workbooks


def _read_workbook(source: Source, limits: Limits, findings: list[Finding]):
    name = source.path.name
    workbook = open_workbook(source.path, limits, findings)
    if workbook is None:
        return None, {}
    try:
        sheets = workbook_sheets(workbook, name, limits, findings)
        check_members(
            set(sheets),
            allowed=["inspection", *TABLES],
            required=["inspection", *REQUIRED_TABLES],
            what="sheet",
            label=lambda title: f"{name}, sheet {title}",
            findings=findings,
        )
        inspection = None
        if "inspection" in sheets:
            label = f"{name}, sheet inspection"
            inspection = key_value_sheet(sheets["inspection"], "inspection", label, limits, INSPECTION_KEYS, findings)
        tables = {}
        for table in TABLES:
            if table in sheets:
                label = f"{name}, sheet {table}"
                records = sheet_records(sheets[table], label, limits, findings)
                frame = None if records is None else frame_from_records(records, label, findings)
                if frame is not None:
                    tables[table] = Table(table, label, frame)
        return inspection, tables
    finally:
        workbook.close()
