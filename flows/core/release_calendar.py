"""The release calendar and the embargo: which release is due, and which inspections it may hold.

The research team keeps two small CSV files (in `releases/`, see the README):

- `calendar.csv`: `release_date,release_time,cut_off` — one row per release. The time is local
  (Europe/London), on the quarter hour, 09:30 when left empty; the cut-off is a date on or
  before the release date.
- `report_dates.csv`: `inspection_id,report_published_on` — the date each inspection's report
  was (or will be) published.

An inspection is in a release only if its report was published on or before the release's
cut-off; every other inspection is under embargo, and no figure computed from it may reach the
release. A group is final once all its inspections are in; until then its aggregates are
provisional.

Both files are typed by people and treated as untrusted: every problem is a Finding naming the
file, the row and the rule, and nothing is built from a file with one. Pure functions.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flows.core.findings import Finding

LONDON = ZoneInfo("Europe/London")
DEFAULT_RELEASE_TIME = dt.time(9, 30)
CALENDAR_COLUMNS = ("release_date", "release_time", "cut_off")
REPORT_DATES_COLUMNS = ("inspection_id", "report_published_on")
MAX_FILE_BYTES = 1_000_000  # a calendar of decades is a few kilobytes
INSPECTION_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
MINUTES_ALLOWED = (0, 15, 30, 45)  # the scheduled deployment looks every quarter of an hour


@dataclass(frozen=True)
class ReleaseSlot:
    """One release on the calendar."""

    release_date: dt.date
    release_time: dt.time
    cut_off: dt.date

    @property
    def release_id(self) -> str:
        return self.release_date.isoformat()

    @property
    def due_at(self) -> dt.datetime:
        """When the release is published: its date and time in London, whatever the season."""
        return dt.datetime.combine(self.release_date, self.release_time, tzinfo=LONDON)


class ReleaseInputRejected(Exception):
    """calendar.csv or report_dates.csv breaks its rules; no release is built from it."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        noun = "problem" if len(findings) == 1 else "problems"
        lines = [f"the release files have {len(findings)} {noun}:"]
        lines += [f"  - {finding.describe()}" for finding in findings[:20]]
        super().__init__("\n".join(lines))


def _rows(text: str, source: str, columns: tuple[str, ...]) -> tuple[list[tuple[int, dict[str, str]]], list[Finding]]:
    """The data rows, numbered as a spreadsheet numbers them (the header is row 1)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        return [], [Finding(source, f"must be at most {MAX_FILE_BYTES:,} bytes", "release.file.size")]
    if "\x00" in text:
        return [], [Finding(source, "must be CSV text (it holds a NUL byte)", "release.file.text")]
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        records = list(reader)
    except csv.Error as error:
        return [], [Finding(source, "must be well-formed CSV", "release.file.csv", rows=(reader.line_num,), detail=str(error))]
    header = [cell.strip() for cell in records[0]] if records else []
    if tuple(header) != columns:
        return [], [Finding(source, f"must start with the header row {','.join(columns)}", "release.file.header",
                            rows=(1,), detail=f"{len(header)} columns found")]
    rows, findings = [], []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # a blank line left at the end
        if len(record) != len(columns):
            findings.append(Finding(source, f"must have {len(columns)} cells", "release.file.width", rows=(number,),
                                    detail=f"{len(record)} found"))
            continue
        rows.append((number, {name: cell.strip() for name, cell in zip(columns, record, strict=True)}))
    return rows, findings


def _date(text: str) -> dt.date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _time(text: str) -> dt.time | None:
    if not text:
        return DEFAULT_RELEASE_TIME
    match = re.fullmatch(r"(\d{2}):(\d{2})", text)
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute not in MINUTES_ALLOWED:
        return None
    return dt.time(hour, minute)


def parse_calendar(text: str, source: str = "calendar.csv") -> list[ReleaseSlot]:
    """The calendar's releases in date order; ReleaseInputRejected names every bad row."""
    rows, findings = _rows(text, source, CALENDAR_COLUMNS)
    slots: list[ReleaseSlot] = []
    seen: dict[dt.date, int] = {}
    for number, row in rows:
        release_date, release_time, cut_off = _date(row["release_date"]), _time(row["release_time"]), _date(row["cut_off"])
        if release_date is None:
            findings.append(Finding(source, "must be a date written YYYY-MM-DD", "calendar.release_date.date",
                                    rows=(number,), column="release_date"))
        if release_time is None:
            findings.append(Finding(source, "must be empty (09:30) or a time HH:MM on the quarter hour, 24-hour clock",
                                    "calendar.release_time.time", rows=(number,), column="release_time"))
        if cut_off is None:
            findings.append(Finding(source, "must be a date written YYYY-MM-DD", "calendar.cut_off.date",
                                    rows=(number,), column="cut_off"))
        if release_date is None or release_time is None or cut_off is None:
            continue
        if cut_off > release_date:
            findings.append(Finding(source, "must be on or before the release date", "calendar.cut_off.before_release",
                                    rows=(number,), column="cut_off"))
            continue
        if release_date in seen:
            findings.append(Finding(source, "must name each release date once", "calendar.release_date.unique",
                                    rows=(seen[release_date], number), column="release_date"))
            continue
        seen[release_date] = number
        slots.append(ReleaseSlot(release_date, release_time, cut_off))
    if findings:
        raise ReleaseInputRejected(findings)
    ordered = sorted(slots, key=lambda slot: slot.release_date)
    for earlier, later in zip(ordered, ordered[1:]):
        if later.cut_off < earlier.cut_off:
            findings.append(Finding(source, "cut-offs must not go back in time from one release to the next",
                                    "calendar.cut_off.increasing", rows=(seen[earlier.release_date], seen[later.release_date]),
                                    column="cut_off"))
    if findings:
        raise ReleaseInputRejected(findings)
    return ordered


def parse_report_dates(text: str, source: str = "report_dates.csv") -> dict[str, dt.date]:
    """inspection id -> the date its report was published; ReleaseInputRejected names every bad row."""
    rows, findings = _rows(text, source, REPORT_DATES_COLUMNS)
    dates: dict[str, dt.date] = {}
    seen: dict[str, int] = {}
    for number, row in rows:
        inspection_id, published_on = row["inspection_id"], _date(row["report_published_on"])
        if not INSPECTION_ID.fullmatch(inspection_id):
            findings.append(Finding(source, "must be an inspection id: lower-case letters, digits and hyphens",
                                    "report_dates.inspection_id.format", rows=(number,), column="inspection_id"))
            continue
        if published_on is None:
            findings.append(Finding(source, "must be a date written YYYY-MM-DD", "report_dates.report_published_on.date",
                                    rows=(number,), column="report_published_on"))
            continue
        if inspection_id in seen:
            findings.append(Finding(source, "must name each inspection once", "report_dates.inspection_id.unique",
                                    rows=(seen[inspection_id], number), column="inspection_id"))
            continue
        seen[inspection_id] = number
        dates[inspection_id] = published_on
    if findings:
        raise ReleaseInputRejected(findings)
    return dates


def slot_for(calendar: list[ReleaseSlot], as_of: dt.date) -> ReleaseSlot:
    """The calendar's release on `as_of`, or (by hand, off the calendar) a release whose cut-off
    is that day, at the default time."""
    for slot in calendar:
        if slot.release_date == as_of:
            return slot
    return ReleaseSlot(as_of, DEFAULT_RELEASE_TIME, as_of)


def due_slots(calendar: list[ReleaseSlot], now: dt.datetime, built: set[str]) -> list[ReleaseSlot]:
    """Releases whose time has come and that are not yet built, oldest first (a missed one is
    caught up)."""
    return [slot for slot in calendar if slot.due_at <= now and slot.release_id not in built]


def next_slot(calendar: list[ReleaseSlot], after: dt.date) -> ReleaseSlot | None:
    return next((slot for slot in calendar if slot.release_date > after), None)


def released_inspections(report_dates: dict[str, dt.date], cut_off: dt.date, published: set[str]) -> set[str]:
    """The published inspections whose report came out on or before the cut-off. Any other
    inspection, including one with no report date recorded, is under embargo."""
    return {inspection for inspection in published if (day := report_dates.get(inspection)) is not None and day <= cut_off}
