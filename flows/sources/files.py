"""Reading untrusted landing files as text with row numbers: the machinery every input kind shares.

This layer only checks what must hold before any table can be read (files present, decodable,
well-formed CSV/YAML/workbook). What the values must be is the job of the GX suites in
`expectations/`. Every cell is kept as text so that validation, not parsing, judges it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import yaml

from flows.core.findings import Finding
from flows.sources.base import Source, Table

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{2,63}$"


def check_name_is_slug(source: Source, rule_id: str, container: str, named_after: str, example: str,
                       findings: list[Finding]) -> None:
    """A return or delivery is named after its id, which must be a slug."""
    if not re.fullmatch(ID_PATTERN, source.name):
        findings.append(
            Finding(
                source=source.path.name if source.layout == "workbook" else source.name,
                rule_id=rule_id,
                rule=f"the {container} must be named after the {named_after} "
                f"(lower-case letters, digits and hyphens, 3-64 characters, e.g. {example})",
            )
        )


def check_members(present: set[str], allowed: list[str], required: list[str], what: str, label: Callable[[str], str],
                  findings: list[Finding]) -> None:
    """A return holds its contract's files (or a workbook its sheets): all required, nothing else."""
    for member in sorted(present - set(allowed)):
        findings.append(
            Finding(
                source=label(member),
                rule_id=f"return.{what}s.unexpected",
                rule=f"this {what} is not part of the landing contract; a return holds only {', '.join(sorted(allowed))}",
            )
        )
    for member in required:
        if member not in present:
            findings.append(Finding(source=label(member), rule_id=f"return.{what}s.required", rule=f"required {what} is missing"))


UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
ENCODING_RULE = "the file must be encoded as UTF-8 (with or without a byte-order mark) or Windows-1252"


def _decode(data: bytes, source: str, findings: list[Finding]) -> str | None:
    """UTF-8 (Excel's "CSV UTF-8" writes a byte-order mark), else Windows-1252 (Excel's plain
    "CSV" on Windows in the UK); anything else is refused rather than guessed.

    A file in another single-byte encoding whose bytes all happen to be valid Windows-1252 cannot
    be told apart from it: senders are asked for UTF-8 or Windows-1252 only.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        first_bad = utf8_error.start
    if data.startswith(UTF16_32_BOMS) or b"\x00" in data:
        detail = "it looks like UTF-16 or UTF-32 (save it as CSV UTF-8)"
        first_bad = data.index(b"\x00") if b"\x00" in data else 0
    else:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as cp1252_error:
            first_bad = cp1252_error.start
            detail = f"byte 0x{data[first_bad]:02x} is neither UTF-8 nor Windows-1252"
    findings.append(
        Finding(
            source=source,
            rows=(data[:first_bad].count(b"\n") + 1,),
            rule_id="file.encoding.supported",
            rule=ENCODING_RULE,
            detail=detail,
        )
    )
    return None


def read_csv_table(file: Path, findings: list[Finding]) -> pd.DataFrame | None:
    text = _decode(file.read_bytes(), file.name, findings)
    if text is None:
        return None
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        findings.append(
            Finding(source=file.name, rule_id="file.csv.syntax", rule=f"the file is not valid CSV: {error}")
        )
        return None
    return frame_from_records(records, file.name, findings)


def frame_from_records(records: list[list[str]], source: str, findings: list[Finding]) -> pd.DataFrame | None:
    """Header + rows of text into a frame indexed by spreadsheet row number; blank cells become None."""
    if not records or not any(cell.strip() for cell in records[0]):
        findings.append(
            Finding(source=source, rows=(1,), rule_id="file.header.missing", rule="the first row must be the header")
        )
        return None
    header = [cell.strip() for cell in records[0]]
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        findings.append(
            Finding(
                source=source,
                rows=(1,),
                rule_id="file.header.duplicate",
                rule="each column name may appear only once in the header",
                detail="repeated: " + ", ".join(duplicated),
            )
        )
        return None
    body, index, ragged = [], [], []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # trailing blank lines are common in exported files
        if len(record) != len(header):
            ragged.append(number)
            continue
        body.append([cell.strip() or None for cell in record])
        index.append(number)
    if ragged:
        findings.append(
            Finding(
                source=source,
                rows=tuple(ragged),
                rule_id="file.csv.field_count",
                rule=f"every row must have as many fields as the header ({len(header)})",
            )
        )
        return None
    return pd.DataFrame(body, columns=header, index=pd.Index(index), dtype=object)


def read_key_value_yaml(file: Path, table: str, findings: list[Finding]) -> Table | None:
    """A YAML mapping (inspection.yaml, survey.yaml) as a one-row table of text."""
    text = _decode(file.read_bytes(), file.name, findings)
    if text is None:
        return None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        findings.append(
            Finding(
                source=file.name,
                rows=(mark.line + 1,) if mark else (),
                rule_id="file.yaml.syntax",
                rule="the file is not valid YAML",
            )
        )
        return None
    return _key_value_table(document, table, file.name, findings)


def _key_value_table(document: object, table: str, source: str, findings: list[Finding]) -> Table | None:
    if not isinstance(document, dict) or not document:
        findings.append(
            Finding(
                source=source,
                rule_id=f"{table}.mapping",
                rule=f"the file must be a mapping of keys to values ({table}_id: ..., ...)",
            )
        )
        return None
    values = {str(key).strip(): _as_text(value) for key, value in document.items()}
    # Row number 1 stands for "the file" in key/value sources; findings there name the key.
    frame = pd.DataFrame([values], index=pd.Index([1]), dtype=object)
    return Table(table, source, frame)


def _as_text(value: object) -> str | None:
    """YAML and Excel give typed values; validation judges text, exactly as a CSV cell would be."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


# ---------------------------------------------------------------- workbooks


def sheet_records(sheet) -> list[list[str]]:
    """All rows from row 1 as text, padded to the header's width (Excel trims empty trailing cells)."""
    records = [[_as_text(v) or "" for v in row] for row in sheet.iter_rows(min_row=1, values_only=True)]
    width = len(records[0]) if records else 0
    while width and not records[0][width - 1]:
        width -= 1  # formatted but empty header cells
    padded = []
    for record in records:
        extra = [cell for cell in record[width:] if cell]
        # A value beyond the header's last column keeps the row ragged, so it is reported.
        padded.append(record if extra else (record[:width] + [""] * (width - len(record))))
    return padded


def key_value_sheet(sheet, table: str, source: str, findings: list[Finding]) -> Table | None:
    """A sheet of key/value rows (a workbook's `inspection` sheet: the keys of inspection.yaml)."""
    document = {}
    for row in sheet.iter_rows(values_only=True):
        if not row or row[0] is None:
            continue
        key = str(row[0]).strip()
        if key.lower() == "key":
            continue  # an optional header row
        document[key] = row[1] if len(row) > 1 else None
    return _key_value_table(document, table, source, findings)
