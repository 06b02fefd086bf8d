"""The release's spreadsheet, read back with openpyxl: cover, contents, notes, then one table per
sheet; each table under a header row of the column names, numbers as numbers and a withheld
number as an empty cell; no cell is a formula or a link made from data; the synthetic-data
warning on the cover; and none of gptables' warnings escape."""

from __future__ import annotations

import dataclasses
import datetime as dt
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest

from flows.reporting.release.model import STATUS_MARKERS
from flows.reporting.release.spreadsheet import write_spreadsheet

from .conftest import FORMULA, LINK, SUM


@pytest.fixture
def workbook_path(tmp_path, info, tables) -> Path:
    path = tmp_path / "release o'brien.xlsx"
    write_spreadsheet(info, tables, path)
    return path


@pytest.fixture
def workbook(workbook_path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(workbook_path)


def values(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def header_row(sheet, column_names: list[str]) -> int:
    """The 1-based row whose cells are exactly the column names, below the title and notes lines."""
    rows = [number for number, row in enumerate(values(sheet), start=1) if row[:len(column_names)] == column_names]
    assert len(rows) == 1, f"{sheet.title}: no single header row {column_names}"
    assert all(value is None for value in values(sheet)[rows[0] - 1][len(column_names):])
    return rows[0]


def test_the_sheets_are_cover_contents_notes_then_the_tables_in_order(workbook):
    assert workbook.sheetnames == ["Cover", "Contents", "Notes", "Outcome scores", "Inspections"]


def test_no_cell_is_a_formula_and_text_from_returns_stays_text(workbook, workbook_path):
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    stored = {cell.value: cell for cell in cells if isinstance(cell.value, str)}
    for text in (SUM, FORMULA, LINK):
        assert stored[text].data_type == "s"
        assert stored[text].hyperlink is None  # a Markdown link in the data is not made a link
    with zipfile.ZipFile(workbook_path) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets and all("<f>" not in archive.read(name).decode("utf-8") for name in sheets)


def test_every_table_sits_under_a_header_row_of_its_column_names(workbook, tables):
    for table in tables:
        sheet = workbook[table.sheet]
        header = header_row(sheet, table.column_names)
        assert sheet.max_row == header + len(table.rows)
        assert sheet.max_column == len(table.column_names)
        assert not sheet.merged_cells.ranges
        assert all(any(value is not None for value in row) for row in values(sheet))  # no blank rows
        [excel_table] = sheet.tables.values()
        assert excel_table.ref == f"A{header}:{sheet.cell(sheet.max_row, sheet.max_column).column_letter}{sheet.max_row}"


def test_numbers_are_numbers_and_a_withheld_number_is_an_empty_cell(workbook, scores):
    sheet = workbook[scores.sheet]
    header = header_row(sheet, scores.column_names)
    rows = [dict(zip(scores.column_names, row)) for row in values(sheet)[header:]]
    assert [row["outcome_code"] for row in rows] == [1, 2, 1]
    assert all(isinstance(row["n_cases"], int) for row in rows)
    assert [row["score"] for row in rows] == [0.75, None, 0.5]
    assert [row["status"] for row in rows] == [None, "[c]", "[p] [r]"]
    assert [row["comment"] for row in rows] == [SUM, FORMULA, LINK]
    assert rows[0]["published_on"] == dt.datetime(2013, 5, 1)
    assert sheet.cell(header + 1, scores.column_names.index("published_on") + 1).number_format == "yyyy-mm-dd"


def test_dates_from_pandas_timestamps_are_dates(workbook, inspections):
    sheet = workbook[inspections.sheet]
    header = header_row(sheet, inspections.column_names)
    assert [row[2] for row in values(sheet)[header:]] == [dt.datetime(2013, 2, 4), dt.datetime(2014, 3, 10)]


def test_the_cover_warns_first_then_says_when_what_and_every_symbol(workbook, info):
    lines = [row[0] for row in values(workbook["Cover"]) if row[0] is not None]
    assert lines[0] == info.title
    warning = next(number for number, line in enumerate(lines) if line.startswith("SYNTHETIC DEMO DATA"))
    released = lines.index("Released: 4 December 2026 at 9:30am")
    assert warning < released
    assert "Cut-off: inspection reports published on or before 30 November 2026" in lines
    assert "Next release: 5 March 2027" in lines
    assert info.summary in lines and info.contact in lines
    assert all(f"{marker} {meaning}" in lines for marker, meaning in STATUS_MARKERS.items())


def test_the_notes_sheet_lists_every_note_by_its_number(workbook, info):
    sheet = workbook["Notes"]
    header = header_row(sheet, ["Note number", "Note text"])
    assert values(sheet)[header:] == [[f"[note {note.number}]", note.text] for note in info.notes]


def test_no_warning_escapes(tmp_path, info, tables):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        write_spreadsheet(info, tables, tmp_path / "release.xlsx")
    assert [str(warning.message) for warning in caught] == []


def test_a_table_without_rows_gets_no_sheet_and_the_cover_says_so(tmp_path, info, scores, inspections):
    empty = dataclasses.replace(inspections, rows=inspections.rows.iloc[0:0])
    path = tmp_path / "release.xlsx"
    write_spreadsheet(dataclasses.replace(info, is_synthetic=False, notes=()), [scores, empty], path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Cover", "Contents", "Outcome scores"]
    lines = [row[0] for row in values(workbook["Cover"])]
    assert f"{inspections.title}: no rows in this release, so no sheet." in lines
    assert not any(isinstance(line, str) and "SYNTHETIC" in line for line in lines)


def test_a_release_without_any_rows_is_refused(tmp_path, info, inspections):
    empty = dataclasses.replace(inspections, rows=inspections.rows.iloc[0:0])
    with pytest.raises(ValueError, match="no table"):
        write_spreadsheet(info, [empty], tmp_path / "release.xlsx")


@pytest.mark.parametrize("sheet_name", ["outcome SCORES", "Notes", "Bad/name", "It's"])
def test_sheet_names_must_be_valid_and_unique(tmp_path, info, scores, inspections, sheet_name):
    clash = dataclasses.replace(inspections, sheet_name=sheet_name)
    with pytest.raises(ValueError, match="sheet name"):
        write_spreadsheet(info, [scores, clash], tmp_path / "release.xlsx")
