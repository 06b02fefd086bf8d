"""Inspection returns, landing contract v1: find a return and read its tables as text, with row numbers.

One folder per inspection, `landing/inspections/<inspection_id>/` (complete when `_READY` is
written last), or one workbook `<inspection_id>.xlsx` with the same tables as sheets plus a
sheet `inspection` of key/value rows.
"""

from __future__ import annotations

from pathlib import Path

from flows.core.findings import Finding, ReturnRejected
from flows.sources.base import WORKBOOK_SUFFIX, Parsed, Source, Table, UsageError, content_files
from flows.sources.files import (
    check_members,
    check_name_is_slug,
    frame_from_records,
    key_value_sheet,
    read_csv_table,
    read_key_value_yaml,
    sheet_records,
)

INSPECTION_FILE = "inspection.yaml"
REQUIRED_TABLES = ("cases", "answers")
OPTIONAL_TABLES = ("victim_questionnaire", "context")
TABLES = REQUIRED_TABLES + OPTIONAL_TABLES


def locate_return(path: Path) -> Source:
    path = Path(path)
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    if path.is_dir():
        return Source(path=path, layout="folder", name=path.name, files=content_files(path))
    if path.suffix.lower() == WORKBOOK_SUFFIX:
        return Source(path=path, layout="workbook", name=path.stem, files=(path,))
    raise UsageError(f"{path}: a return is a folder or an .xlsx workbook")


def read_return(source: Source) -> Parsed:
    """Read every table of the return, or raise ReturnRejected naming each structural problem."""
    findings: list[Finding] = []
    check_name_is_slug(source, "return.name.slug", "folder or workbook", "inspection id", "hampshire-2013", findings)
    reader = _read_workbook if source.layout == "workbook" else _read_folder
    inspection, tables = reader(source, findings)
    if findings:
        raise ReturnRejected(source.name, findings)
    assert inspection is not None
    return Parsed(source=source, header_table=inspection, tables=tables)


# ---------------------------------------------------------------- folders


def _read_folder(source: Source, findings: list[Finding]):
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
        inspection = read_key_value_yaml(present[INSPECTION_FILE], "inspection", findings)
    tables = {}
    for table in TABLES:
        file = present.get(f"{table}.csv")
        if file is not None:
            frame = read_csv_table(file, findings)
            if frame is not None:
                tables[table] = Table(table, file.name, frame)
    return inspection, tables


# ---------------------------------------------------------------- workbooks


def _read_workbook(source: Source, findings: list[Finding]):
    import openpyxl  # only workbook returns pay for it

    name = source.path.name
    try:
        workbook = openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a file that is not a workbook
        findings.append(
            Finding(source=name, rule_id="file.xlsx.unreadable", rule=f"the file is not a readable .xlsx workbook ({type(error).__name__})")
        )
        return None, {}
    try:
        sheets = {ws.title.strip(): ws for ws in workbook.worksheets}
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
            inspection = key_value_sheet(sheets["inspection"], "inspection", f"{name}, sheet inspection", findings)
        tables = {}
        for table in TABLES:
            if table in sheets:
                label = f"{name}, sheet {table}"
                records = sheet_records(sheets[table])
                frame = frame_from_records(records, label, findings)
                if frame is not None:
                    tables[table] = Table(table, label, frame)
        return inspection, tables
    finally:
        workbook.close()


