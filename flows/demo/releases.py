"""The demo programme's release files: when each demo inspection's report came out, and a release
calendar, so that `iaow demo` can publish a first statistical release.

They are written only where the research team has not written its own: an existing
`releases/calendar.csv` or `releases/report_dates.csv` is never replaced.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flows.demo.tables import demo_inspections

REPORT_AFTER_FIELDWORK = dt.timedelta(weeks=12)  # a report follows its fieldwork by about three months
THURSDAY = 3


def report_dates_csv() -> str:
    lines = ["inspection_id,report_published_on"]
    lines += [f"{inspection.inspection_id},{(inspection.fieldwork_start + REPORT_AFTER_FIELDWORK).isoformat()}"
              for inspection in demo_inspections()]
    return "\r\n".join(lines) + "\r\n"


def first_thursdays(after: dt.date, count: int) -> list[dt.date]:
    """The first Thursday of each of the `count` months after `after`'s."""
    days = []
    year, month = after.year, after.month
    for _ in range(count):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        first = dt.date(year, month, 1)
        days.append(first + dt.timedelta(days=(THURSDAY - first.weekday()) % 7))
    return days


def calendar_csv(today: dt.date) -> str:
    """Releases on the first Thursday of the next three months at 09:30, each with the Friday
    before as its cut-off (the reports published by then)."""
    lines = ["release_date,release_time,cut_off"]
    lines += [f"{day.isoformat()},09:30,{(day - dt.timedelta(days=6)).isoformat()}" for day in first_thursdays(today, 3)]
    return "\r\n".join(lines) + "\r\n"


def write_demo_release_files(calendar: Path, report_dates: Path, today: dt.date) -> list[Path]:
    """The two files, where missing; returns those written."""
    written = []
    for path, text in ((calendar, calendar_csv(today)), (report_dates, report_dates_csv())):
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
            written.append(path)
    return written
