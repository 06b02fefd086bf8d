"""Reading untrusted landing files as text with row numbers: the machinery every input kind shares.

This layer only checks what must hold before any table can be read (files present, within the
kind's limits, decodable, well-formed CSV/YAML/workbook). What the values must be is the job of
the GX suites in `expectations/`. Every cell is kept as text, in Unicode NFC, so that validation,
not parsing, judges it.

Senders are careless and may be hostile: nothing a file says about itself (its size, a
workbook's dimension, a YAML alias) decides how much is read, and no finding carries a value of
the file, not even a header cell or a key that is not the contract's (a forgotten header row
makes the first row of data the header): those are named by their position.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from flows.core.findings import Finding, column_position
from flows.sources.base import Limits, Source, Table

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{2,63}$"
MAX_FIELD_CHARS = 10_000  # one cell's text: a case reference or a code is short, a comment a paragraph


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


# ---------------------------------------------------------------- bytes and text


def read_bytes(file: Path, max_bytes: int, findings: list[Finding]) -> bytes | None:
    """A file's bytes, or a finding when it holds more than `max_bytes`: never more than that is
    read, whatever the archive checked on intake."""
    with open(file, "rb") as stream:
        expected = min(os.fstat(stream.fileno()).st_size, max_bytes) + 1  # no buffer of the limit's size
        data = stream.read(expected)
        if len(data) == expected:  # larger than it said, or than the limit
            data += stream.read(max_bytes + 1 - len(data))
    if len(data) > max_bytes:
        findings.append(
            Finding(source=file.name, rule_id="file.size_limit", rule=f"the file may be at most {max_bytes:,} bytes")
        )
        return None
    return data


def read_text(file: Path, max_bytes: int, findings: list[Finding]) -> str | None:
    """A file as text in Unicode NFC: the same case reference typed where accents are composed
    (NFC, Windows) and where they are not (NFD, macOS) is one reference."""
    data = read_bytes(file, max_bytes, findings)
    text = None if data is None else _decode(data, file.name, findings)
    return None if text is None else unicodedata.normalize("NFC", text)


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


def _as_text(value: object) -> str | None:
    """Excel gives typed values; validation judges text (NFC), exactly as a CSV cell would be."""
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
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


# ---------------------------------------------------------------- tables


@dataclass
class TableBudget:
    """A table's rows, columns and cells, counted as they are read: reading stops at the first one
    over the kind's limits, with a finding, so no table is built whole before it is judged."""

    limits: Limits
    source: str
    findings: list[Finding]
    cells: int = 0
    exhausted: bool = False

    def over_rows(self, row: int) -> bool:
        return self._over(row > self.limits.rows, "rows_limit", row, None,
                          f"a table may have at most {self.limits.rows:,} rows, header included")

    def over_columns(self, row: int, column: int) -> bool:
        return self._over(column > self.limits.columns, "columns_limit", row, column,
                          f"a table may have at most {self.limits.columns:,} columns")

    def over_cells(self, row: int, count: int = 1) -> bool:
        self.cells += count
        return self._over(self.cells > self.limits.cells, "cells_limit", row, None,
                          f"a table may have at most {self.limits.cells:,} cells")

    def over_length(self, row: int, column: int, text: str) -> bool:
        return self._over(len(text) > MAX_FIELD_CHARS, "field_length", row, column,
                          f"a cell may hold at most {MAX_FIELD_CHARS:,} characters")

    def over_record(self, row: int, record: list[str]) -> bool:
        """A CSV record: its fields are its cells, the first beyond the limit its first column too many."""
        if self.over_rows(row) or self.over_columns(row, min(len(record), self.limits.columns + 1)):
            return True
        if self.over_cells(row, len(record)):
            return True
        if max(map(len, record), default=0) <= MAX_FIELD_CHARS:
            return False
        return any(self.over_length(row, column, text) for column, text in enumerate(record, start=1))

    def _over(self, over: bool, limit: str, row: int, column: int | None, rule: str) -> bool:
        if over:
            self.exhausted = True
            self.findings.append(
                Finding(source=self.source, rows=(row,), column=column_position(column) if column else None,
                        rule_id=f"file.table.{limit}", rule=rule)
            )
        return over


Records = list[tuple[int, list[str]]]  # (spreadsheet row number, its cells as text), in order


def read_csv_table(file: Path, limits: Limits, findings: list[Finding]) -> pd.DataFrame | None:
    """A CSV file as a frame of text, read record by record within the kind's limits."""
    text = read_text(file, limits.file_bytes, findings)
    if text is None:
        return None
    budget = TableBudget(limits, file.name, findings)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: Records = []
    try:
        for number, record in enumerate(reader, start=1):
            if budget.over_record(number, record):
                return None
            records.append((number, record))
    except csv.Error as error:  # the csv module's messages name the problem, never the field
        findings.append(
            Finding(source=file.name, rows=(reader.line_num,), rule_id="file.csv.syntax",
                    rule=f"the file is not valid CSV: {error}")
        )
        return None
    return frame_from_records(records, file.name, findings)


def frame_from_records(records: Records, source: str, findings: list[Finding]) -> pd.DataFrame | None:
    """Header + rows of text into a frame indexed by spreadsheet row number; blank cells become None."""
    if not records or records[0][0] != 1 or not any(cell.strip() for cell in records[0][1]):
        findings.append(
            Finding(source=source, rows=(1,), rule_id="file.header.missing", rule="the first row must be the header")
        )
        return None
    header = [cell.strip() for cell in records[0][1]]
    repeated = [position for position, name in enumerate(header, start=1) if header.count(name) > 1]
    if repeated:
        findings.append(
            Finding(
                source=source,
                rows=(1,),
                rule_id="file.header.duplicate",
                rule="each column name may appear only once in the header",
                detail="the same name heads columns " + ", ".join(column_position(p) for p in repeated),
            )
        )
        return None
    body, index, ragged = [], [], []
    for number, record in records[1:]:
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


# ---------------------------------------------------------------- key/value files


@dataclass
class KeyValueTable(Table):
    """A key/value file (inspection.yaml, a workbook's `inspection` sheet) as a one-row table, with
    the line (or sheet row) of each key: a finding on a key that is not the contract's names its
    line, never its text."""

    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class KeyFindings:
    """Findings on the keys of a key/value file, each at its line (or sheet row); the key itself is
    named only when it is one of the contract's, since any other key is the sender's text."""

    source: str
    contract_keys: Collection[str]
    findings: list[Finding]

    def add(self, line: int, key: str | None, rule_id: str, rule: str) -> None:
        named = key if key in self.contract_keys else None
        self.findings.append(Finding(source=self.source, rows=(line,), key=named, rule_id=rule_id, rule=rule))

    def too_many(self, line: int, limits: Limits, rule_id: str) -> None:
        self.add(line, None, rule_id, f"at most {limits.header_keys} keys may be given")


def read_key_value_yaml(file: Path, table: str, limits: Limits, contract_keys: Collection[str],
                        findings: list[Finding]) -> KeyValueTable | None:
    """A YAML file (inspection.yaml, survey.yaml) as a one-row table of text: one document holding
    one flat mapping of plain values, read from the parser's events so that nothing is resolved
    (an alias is never expanded, a tag never applied, `2013-02-30` or `007` never typed)."""
    text = read_text(file, limits.header_bytes, findings)
    if text is None:
        return None
    keys = KeyFindings(file.name, contract_keys, findings)
    try:
        entries = _yaml_entries(yaml.parse(text, Loader=yaml.SafeLoader), keys, limits)
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
    return None if entries is None else _key_value_table(entries, table, keys, "file.yaml")


YAML_NULLS = ("", "~", "null", "Null", "NULL")  # written plain, these mean "no value"
Entries = list[tuple[str, "str | None", int]]  # (key, value as text, line or sheet row)


def _yaml_entries(events: Iterator[yaml.Event], keys: KeyFindings, limits: Limits) -> Entries | None:
    """The key/value pairs of the file's one mapping; None when it breaks the rules (findings made).
    An empty list when the document is not a mapping: the caller says so."""
    odd: dict[str, list[int]] = {"file.yaml.alias": [], "file.yaml.tag": []}  # lines of anchors/aliases, of tags
    entries = _document_entries(iter(events), keys, limits, odd)
    if odd["file.yaml.alias"]:
        keys.findings.append(_at_lines(keys.source, odd["file.yaml.alias"], "file.yaml.alias",
                                       "anchors and aliases (&name, *name) are not allowed: write each value out"))
    if odd["file.yaml.tag"]:
        keys.findings.append(_at_lines(keys.source, odd["file.yaml.tag"], "file.yaml.tag",
                                       "tags (!!str, !name, ...) are not allowed: write the value as plain text"))
    return None if any(odd.values()) else entries


def _document_entries(events: Iterator[yaml.Event], keys: KeyFindings, limits: Limits, odd: dict[str, list[int]]
                      ) -> Entries | None:
    entries: Entries = []
    documents = 0
    for event in events:
        if not isinstance(event, yaml.DocumentStartEvent):
            continue
        documents += 1
        if documents > 1:
            keys.add(_line(event), None, "file.yaml.documents", "the file must hold one YAML document (no second '---')")
            return None
        top = next(events)
        _note_properties(top, odd)
        if not isinstance(top, yaml.MappingStartEvent):
            return []
        entries = _mapping_entries(events, keys, limits, odd)
        if entries is None:
            return None
    return entries


def _mapping_entries(events: Iterator[yaml.Event], keys: KeyFindings, limits: Limits, odd: dict[str, list[int]]
                     ) -> Entries | None:
    entries: Entries = []
    pairs, flawed = 0, False
    for event in events:
        if isinstance(event, yaml.MappingEndEvent):
            break
        line = _line(event)
        key_node = _node(event, events, odd)
        value_node = _node(next(events), events, odd)
        pairs += 1
        if pairs > limits.header_keys:
            keys.too_many(line, limits, "file.yaml.keys_limit")
            return None
        key = key_node.value.strip() if isinstance(key_node, yaml.ScalarEvent) else None
        if key is None or not isinstance(value_node, yaml.ScalarEvent):
            flawed = True  # an alias is already noted; a list or mapping is reported here
            if key_node is None:
                keys.add(line, None, "file.yaml.flat_mapping", "a key must be a single name, not a list or mapping")
            elif value_node is None:
                keys.add(line, key, "file.yaml.flat_mapping", "must be a single value, not a list or mapping")
            continue
        plain_null = value_node.style is None and value_node.value in YAML_NULLS
        entries.append((key, None if plain_null else value_node.value.strip() or None, line))
    return None if flawed else entries


def _node(first: yaml.Event, events: Iterator[yaml.Event], odd: dict[str, list[int]]) -> yaml.Event | None:
    """A node of the mapping: its scalar event, or None for a list or mapping (consumed whole, its
    anchors, aliases and tags noted); an alias is returned as it is (noted, never resolved)."""
    _note_properties(first, odd)
    if isinstance(first, (yaml.ScalarEvent, yaml.AliasEvent)):
        return first
    depth = 1
    while depth:
        event = next(events)
        _note_properties(event, odd)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _note_properties(event: yaml.Event, odd: dict[str, list[int]]) -> None:
    if getattr(event, "anchor", None) is not None:  # an anchor (&a), or an alias (*a) to one
        odd["file.yaml.alias"].append(_line(event))
    if getattr(event, "tag", None) is not None:  # only an explicit tag sets it
        odd["file.yaml.tag"].append(_line(event))


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1


def _at_lines(source: str, lines: list[int], rule_id: str, rule: str) -> Finding:
    return Finding(source=source, rows=tuple(sorted(set(lines))), rule_id=rule_id, rule=rule)


def _key_value_table(entries: Entries, table: str, keys: KeyFindings, rule_prefix: str) -> KeyValueTable | None:
    """Key/value pairs as a one-row table (row number 1 stands for the file); a repeated key is a finding."""
    if not entries:
        keys.findings.append(
            Finding(
                source=keys.source,
                rule_id=f"{table}.mapping",
                rule=f"the file must be a mapping of keys to values ({table}_id: ..., ...)",
            )
        )
        return None
    values: dict[str, str | None] = {}
    lines: dict[str, int] = {}
    for key, value, line in entries:
        if key in lines:
            keys.add(line, key, f"{rule_prefix}.duplicate_key", f"each key may appear only once (it is first at row {lines[key]})")
            continue
        values[key], lines[key] = value, line
    frame = pd.DataFrame([values], index=pd.Index([1]), dtype=object)
    return KeyValueTable(table, keys.source, frame, lines)


# ---------------------------------------------------------------- workbooks


def open_workbook(path: Path, limits: Limits, findings: list[Finding]):
    """The workbook (openpyxl, read-only) once its size, its parts unpacked (a zip bomb) and its
    sheet count are within the kind's limits; None with findings otherwise. Close it after use."""
    import openpyxl  # only workbooks pay for it

    name = path.name
    data = read_bytes(path, limits.file_bytes, findings)
    if data is None:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except Exception as error:  # a file that is not a zip archive fails in many ways
        findings.append(_unreadable(name, error))
        return None
    # zipfile never inflates a part beyond its declared size, so the declared sizes bound the work
    if sum(part.file_size for part in parts) > limits.workbook_unpacked_bytes:
        findings.append(Finding(source=name, rule_id="file.xlsx.unpacked_size",
                                rule=f"the workbook may hold at most {limits.workbook_unpacked_bytes:,} bytes once unzipped"))
        return None
    if sum(bool(re.fullmatch(r"xl/(work|chart)sheets/[^/]+\.xml", part.filename)) for part in parts) > limits.sheets:
        findings.append(_too_many_sheets(name, limits))
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's warnings may quote what they skip
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a file that is not a workbook
        findings.append(_unreadable(name, error))
        return None
    if len(workbook.sheetnames) > limits.sheets:
        workbook.close()
        findings.append(_too_many_sheets(name, limits))
        return None
    return workbook


def _unreadable(name: str, error: Exception) -> Finding:
    return Finding(source=name, rule_id="file.xlsx.unreadable",
                   rule=f"the file is not a readable .xlsx workbook ({type(error).__name__})")


def _too_many_sheets(name: str, limits: Limits) -> Finding:
    return Finding(source=name, rule_id="file.xlsx.sheets_limit",
                   rule=f"the workbook may hold at most {limits.sheets} sheets, hidden ones included")


def workbook_sheets(workbook, name: str, limits: Limits, findings: list[Finding]) -> dict:
    """The worksheets by title (stray spaces stripped), each sheet's quirks made findings."""
    sheets, titles = {}, set()
    for sheet in [*workbook.worksheets, *workbook.chartsheets]:
        title = unicodedata.normalize("NFC", sheet.title).strip()
        findings.extend(_sheet_quirks(sheet, f"{name}, sheet {title}", title in titles, limits))
        titles.add(title)
        if sheet in workbook.worksheets:
            sheets.setdefault(title, sheet)
    return sheets


def _sheet_quirks(sheet, label: str, title_taken: bool, limits: Limits) -> list[Finding]:
    """A sheet hidden (easily sent by mistake), a title another has once spaces are removed, or a
    declared size beyond what a table may hold (never used to read: only reported)."""
    found = []
    if title_taken:
        found.append(Finding(source=label, rule_id="file.xlsx.sheet_names_collide",
                             rule="two sheets have this name once spaces are removed: keep one"))
    if sheet.sheet_state != "visible":
        found.append(Finding(source=label, rule_id="file.xlsx.hidden_sheet",
                             rule="a workbook may not hold hidden sheets: unhide the sheet, or delete it"))
    rows, columns = getattr(sheet, "max_row", None) or 0, getattr(sheet, "max_column", None) or 0
    if rows > limits.rows or columns > limits.columns:
        found.append(Finding(
            source=label, rule_id="file.xlsx.declared_dimension",
            rule=f"the sheet declares more than a table may hold ({limits.rows:,} rows, {limits.columns:,} columns): "
            "clear the cells beyond the table and save it again",
            detail=f"it declares {rows:,} rows and {columns:,} columns"))
    return found


def sheet_records(sheet, source: str, limits: Limits, findings: list[Finding]) -> Records | None:
    """A sheet's rows as text with their row numbers, padded to the header's width (Excel trims
    empty trailing cells); None, with a finding, once a limit is exceeded."""
    rows = _sheet_rows(sheet, source, limits, findings)
    if rows is None:
        return None
    records = [(number, [cells.get(column, "") for column in range(1, max(cells) + 1)]) for number, cells in rows]
    width = len(records[0][1]) if records and records[0][0] == 1 else 0
    # A value beyond the header's last column keeps the row ragged, so it is reported.
    return [(number, record if len(record) > width else record + [""] * (width - len(record))) for number, record in records]


def key_value_sheet(sheet, table: str, source: str, limits: Limits, contract_keys: Collection[str],
                    findings: list[Finding]) -> KeyValueTable | None:
    """A sheet of key/value rows (a workbook's `inspection` sheet: the keys of inspection.yaml),
    keys in column A and values in column B, read as text like the YAML file's."""
    rows = _sheet_rows(sheet, source, limits, findings)
    if rows is None:
        return None
    keys = KeyFindings(source, contract_keys, findings)
    entries: Entries = []
    for number, cells in rows:
        key = cells.get(1)
        if key is None or (not entries and key.lower() == "key"):
            continue  # a row without a key, or the optional header row
        if len(entries) == limits.header_keys:
            keys.too_many(number, limits, "file.xlsx.keys_limit")
            return None
        entries.append((key, cells.get(2), number))
    return _key_value_table(entries, table, keys, "file.xlsx")


def _sheet_rows(sheet, source: str, limits: Limits, findings: list[Finding]) -> list[tuple[int, dict[int, str]]] | None:
    """The rows of a sheet holding a value: (row number, {column: text}); None with a finding when
    a limit is exceeded or the sheet's XML cannot be read."""
    budget = TableBudget(limits, source, findings)
    rows = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's warnings quote cell values
            for row in _valued_rows(sheet, budget):
                rows.append(row)
    except Exception as error:  # a damaged or hand-made sheet fails in many ways
        findings.append(Finding(source=source, rows=(rows[-1][0],) if rows else (), rule_id="file.xlsx.malformed",
                                rule=f"the sheet cannot be read past this point ({type(error).__name__}): "
                                "save the workbook again from Excel"))
        return None
    return None if budget.exhausted else rows


class MalformedSheet(ValueError):
    """The sheet's XML breaks what Excel writes (rows out of order, a number not in ASCII digits)."""


def _valued_rows(sheet, budget: TableBudget) -> Iterator[tuple[int, dict[int, str]]]:
    """Streams the sheet's XML cell by cell with openpyxl's own cell parser: the declared dimension
    is never used (rows are never padded to it), the rows and columns counted are the cells
    present, and a cell beyond the column limit stops reading before any row is built to it.
    Each element is dropped once read, so memory is bounded by one row within the limits."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.worksheet._reader import CELL_TAG, ROW_TAG, WorkSheetParser

    sheet.reset_dimensions()  # what the sheet says of its size decides nothing
    workbook = sheet.parent
    parser = WorkSheetParser(None, sheet._shared_strings, data_only=True, epoch=workbook.epoch,
                             date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
    row, cells, in_cell, open_elements = 0, {}, False, []
    with sheet._get_source() as xml:
        for event, element in iterparse(xml, events=("start", "end")):
            if event == "start":
                open_elements.append(element)
                in_cell = in_cell or element.tag == CELL_TAG
                if element.tag == ROW_TAG:
                    row, cells = _row_number(element.get("r"), row), {}
                    parser.row_counter, parser.col_counter = row, 0
                    if budget.over_rows(row):
                        return
                continue
            open_elements.pop()
            if element.tag == CELL_TAG:
                in_cell = False
                if budget.over_cells(row):
                    return
                cell = _parse_cell(parser, element)
                text = _as_text(cell["value"])
                if text is not None:
                    if budget.over_columns(row, cell["column"]) or budget.over_length(row, cell["column"], text):
                        return
                    cells[cell["column"]] = text
            elif element.tag == ROW_TAG and cells:
                yield row, cells
            if not in_cell and open_elements:
                open_elements[-1].remove(element)  # read: dropped, so the tree never grows


TEXT_CELL_TYPES = ("str", "inlineStr", "e")  # every other cell type holds a number in its XML


def _parse_cell(parser, element) -> dict:
    """openpyxl's reading of a cell, once the number its XML holds (a value, a shared string's
    index) is in ASCII digits: int() would take a full-width '５' for 5."""
    from openpyxl.worksheet._reader import VALUE_TAG

    if element.get("t", "n") not in TEXT_CELL_TYPES and not (element.findtext(VALUE_TAG) or "").isascii():
        raise MalformedSheet("a number not in ASCII digits")
    return parser.parse_cell(element)


def _row_number(declared: str | None, previous: int) -> int:
    """A row's number as its XML gives it (ASCII digits only), else the next one."""
    number = int(declared) if declared and declared.isascii() and declared.isdecimal() else previous + 1
    if number <= previous:
        raise MalformedSheet("rows out of order")
    return number
