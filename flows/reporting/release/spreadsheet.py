"""The release as one accessible spreadsheet (XLSX), laid out as the Analysis Function's guidance
"Releasing statistics in spreadsheets" describes, with the Analysis Function's own `gptables`.

Sheets, in order: a cover (what the release is, when it was released and what it covers, who to
contact, what every status symbol means; the synthetic-data warning first when there is one), a
table of contents, the notes, then one table per sheet. Every table sheet has a title and a few
lines above one table, whose header row is the table's column names (the same as the CSV's), with
no merged cells and no blank rows or columns. Numbers are written as numbers; a withheld or
missing number is an empty cell, and its reason is the shorthand in the status column.

The rows are data from inspection returns, so no cell may become anything but its value:
- XlsxWriter is told never to turn a string into a formula or a link, so "=1+2" is stored as the
  text "=1+2" (a typed text cell needs no OWASP quote, unlike a CSV cell);
- gptables turns a Markdown link, "[text](url)", in any table cell into a live hyperlink, and
  rejects a cell holding only punctuation. Every text cell is therefore handed to it as rich text
  with no formatting (a `FormatList`), which it writes as the plain string, untouched.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import gptables
import pandas as pd
from gptables.core.gptable import FormatList  # rich text; not re-exported by gptables/__init__

from flows.core.figures import missing
from flows.reporting.release.model import (
    STATUS_COLUMN,
    STATUS_MARKERS,
    ReleaseColumn,
    ReleaseInfo,
    ReleaseTable,
)

COVER_SHEET, CONTENTS_SHEET, NOTES_SHEET = "Cover", "Contents", "Notes"
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,  # "=HYPERLINK(...)" from a return is text, never a formula
    "strings_to_urls": False,  # "http://..." is text, never a link
    "strings_to_numbers": False,  # a code such as "007" stays text
    "remove_timezone": True,  # Excel has no time zones: a datetime is written as its wall-clock time
}
CELL_NUMBER_FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm:ss"}
# Excel forbids these in a sheet name; the apostrophe would also break the contents sheet's links.
FORBIDDEN_IN_SHEET_NAMES = frozenset("[]:*?/\\'")
RESERVED_SHEET_NAMES = (COVER_SHEET, CONTENTS_SHEET, NOTES_SHEET, "History")  # History: Excel's own
LONDON = ZoneInfo("Europe/London")
SYNTHETIC_WARNING = (
    "SYNTHETIC DEMO DATA: this release is made from the demonstration programme's synthetic data. "
    "Its figures describe no real inspection and must not be used or quoted as statistics."
)
BOLD = {"bold": True}


def write_spreadsheet(info: ReleaseInfo, tables: Sequence[ReleaseTable], path: Path) -> None:
    """Write the release's spreadsheet to `path` (an .xlsx file, replaced if it exists).

    A table without rows gets no sheet (gptables cannot write a table of headers only); the
    cover says which tables those are."""
    with_rows = [table for table in tables if not table.rows.empty]
    without_rows = [table for table in tables if table.rows.empty]
    if not with_rows:
        raise ValueError("no table of the release has rows: there is nothing to put in a spreadsheet")
    _check_sheet_names(with_rows)
    # The notes are a sheet of their own making rather than gptables' notes sheet: gptables
    # renumbers notes in the order `$$name$$` references appear, and these carry their numbers.
    sheets = {NOTES_SHEET: _notes_table(info)} if info.notes else {}
    sheets |= {table.sheet: _table(info, table) for table in with_rows}
    with warnings.catch_warnings():
        _ignore_known_gptables_warnings()
        workbook = gptables.produce_workbook(
            str(path),
            sheets,
            cover=_cover(info, without_rows),
            contentsheet_label=CONTENTS_SHEET,
            workbook_options=WORKBOOK_OPTIONS,
        )
        workbook.set_properties(_document_properties(info))
        workbook.close()


def _ignore_known_gptables_warnings() -> None:
    # gptables 2.0.2 calls pandas APIs that pandas 3 deprecates (inplace=, copy=, an option).
    warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"gptables\.")
    # It warns of any empty cell: ours are withheld numbers, explained in every sheet's instructions.
    warnings.filterwarnings("ignore", message=r"\s*Empty or null cell found", category=UserWarning)
    # It warns when it makes no notes sheet of its own: the notes sheet is ours (see above).
    warnings.filterwarnings("ignore", message="No note text provided", category=UserWarning)


def _check_sheet_names(tables: Sequence[ReleaseTable]) -> None:
    taken = {name.lower() for name in RESERVED_SHEET_NAMES}
    for table in tables:
        name = table.sheet
        if not name.strip() or FORBIDDEN_IN_SHEET_NAMES & set(name):
            raise ValueError(f"table {table.name}: sheet name {name!r} is empty or has one of []:*?/\\'")
        if name.lower() in taken:  # Excel compares sheet names ignoring case
            raise ValueError(f"table {table.name}: sheet name {name!r} is already used")
        taken.add(name.lower())


def _cover(info: ReleaseInfo, without_rows: Sequence[ReleaseTable]) -> gptables.Cover:
    intro: list[Any] = [[BOLD, SYNTHETIC_WARNING]] if info.is_synthetic else []
    intro += [
        f"Released: {_moment(info.published_at)}",
        f"Cut-off: inspection reports published on or before {_day(info.cut_off)}",
        f"Next release: {_day(info.next_release) if info.next_release else 'not yet announced'}",
    ]
    if info.previous_release_id:
        intro.append(f"Previous release: {info.previous_release_id}")
    about: list[Any] = [
        info.summary,
        [BOLD, "Symbols in the status column"],
        "A withheld or missing number is an empty cell. The row's status column gives the reason, "
        "with these symbols; when several apply they are separated by a single space, for example [p] [r].",
        *(f"{marker} {meaning}" for marker, meaning in STATUS_MARKERS.items()),
    ]
    if info.notes:
        about.append("Notes, referred to as [note 1] and so on, are on the Notes sheet.")
    about += [f"{table.title}: no rows in this release, so no sheet." for table in without_rows]
    return gptables.Cover(title=info.title, intro=intro, about=about, contact=[info.contact], cover_label=COVER_SHEET)


def _notes_table(info: ReleaseInfo) -> gptables.GPTable:
    notes = pd.DataFrame(
        {
            "Note number": [_text(f"[note {note.number}]") for note in info.notes],
            "Note text": [_text(note.text) for note in info.notes],
        },
        dtype=object,
    )
    return gptables.GPTable(
        table=notes,
        table_name="notes_table",
        title="Notes",
        instructions="This worksheet contains one table. Each note is referred to by its number, such as [note 1].",
        index_columns={},
    )


def _table(info: ReleaseInfo, table: ReleaseTable) -> gptables.GPTable:
    if list(table.rows.columns) != table.column_names:
        raise ValueError(f"table {table.name}: rows have columns {list(table.rows.columns)}, not {table.column_names}")
    has_status = STATUS_COLUMN in table.column_names
    subtitles: list[Any] = [[BOLD, SYNTHETIC_WARNING]] if info.is_synthetic else []
    subtitles.append(table.description)
    instructions = "This worksheet contains one table."
    if has_status:
        instructions += (
            " A withheld or missing number is an empty cell; the status column says why, with the "
            "symbols listed below (and on the cover sheet)."
        )
    instructions += " datapackage.json, published with this spreadsheet, describes every column."
    legend = ["Status symbols: " + "; ".join(f"{marker} {meaning}" for marker, meaning in STATUS_MARKERS.items())]
    return gptables.GPTable(
        table=_cells(table),
        # An Excel table name must not look like a cell reference ("r1"): the prefix makes sure.
        table_name=f"table_{table.name}",
        title=table.title,
        subtitles=subtitles,
        instructions=instructions,
        legend=legend if has_status else [],
        index_columns={},  # tidy tables: no column is a row heading, and gptables leaves the data alone
        additional_formatting=[
            {"column": {"columns": [column.name], "format": {"num_format": CELL_NUMBER_FORMATS[column.type]}}}
            for column in table.columns
            if column.type in CELL_NUMBER_FORMATS
        ],
    )


def _cells(table: ReleaseTable) -> pd.DataFrame:
    """The rows as plain Python values of each column's type, None where a value is missing."""
    return pd.DataFrame(
        {column.name: [_cell(value, column) for value in table.rows[column.name].tolist()] for column in table.columns},
        columns=table.column_names,
        dtype=object,
    )


def _cell(value: Any, column: ReleaseColumn) -> Any:
    if missing(value):
        return None
    if column.type == "integer":
        number = int(value)
        if number != value:
            raise ValueError(f"column {column.name}: {value!r} is not a whole number")
        return number
    if column.type == "number":
        return float(value)
    if column.type == "boolean":
        return bool(value)
    if column.type == "date":
        if isinstance(value, dt.datetime):  # pandas' Timestamp included
            return value.date()
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    if column.type == "datetime":
        if isinstance(value, pd.Timestamp):
            return value.to_pydatetime()
        return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return _text(str(value)) if str(value) else None


def _text(text: str) -> FormatList:
    # Rich text with no formatting: gptables writes its string as it is (see the module docstring).
    return FormatList([{}, text])


def _document_properties(info: ReleaseInfo) -> dict[str, Any]:
    # The guidance asks for a title in the document's properties; a fixed creation time (the
    # release's) makes writing the same release twice give the same file.
    return {
        "title": info.title,
        "subject": SYNTHETIC_WARNING if info.is_synthetic else info.summary,
        "author": info.contact,
        "created": info.published_at.astimezone(dt.timezone.utc),
    }


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _moment(moment: dt.datetime) -> str:
    """GOV.UK style, in London time: "4 December 2026 at 9:30am"."""
    local = moment.astimezone(LONDON)
    hour = local.hour % 12 or 12
    return f"{_day(local.date())} at {hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"
