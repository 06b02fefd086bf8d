"""The release calendar and the embargo, as pure functions: what a typed file may say, which
release is due when, and which inspections a release may hold."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.core.release_calendar import (
    DEFAULT_RELEASE_TIME,
    LONDON,
    ReleaseInputRejected,
    ReleaseSlot,
    due_slots,
    next_slot,
    parse_calendar,
    parse_report_dates,
    released_inspections,
    slot_for,
)

CALENDAR = "release_date,release_time,cut_off\r\n2027-03-04,,2027-02-26\r\n2027-01-07,07:00,2027-01-01\r\n"


def rejected(parse, text: str) -> list[str]:
    with pytest.raises(ReleaseInputRejected) as caught:
        parse(text)
    return [finding.describe() for finding in caught.value.findings]


def test_a_calendar_reads_in_date_order_with_9_30_by_default():
    slots = parse_calendar("\ufeff" + CALENDAR)  # a spreadsheet's byte-order mark is tolerated
    assert [s.release_id for s in slots] == ["2027-01-07", "2027-03-04"]
    assert slots[0].release_time == dt.time(7, 0)
    assert slots[1].release_time == DEFAULT_RELEASE_TIME == dt.time(9, 30)


@pytest.mark.parametrize(("row", "expected"), [
    ("2027-13-01,,2027-01-01", "calendar.csv, row 2, column release_date: must be a date written YYYY-MM-DD"),
    ("7/1/2027,,2027-01-01", "calendar.csv, row 2, column release_date: must be a date written YYYY-MM-DD"),
    ("2027-01-07,9:30,2027-01-01", "calendar.csv, row 2, column release_time: must be empty (09:30) or a time HH:MM"),
    ("2027-01-07,09:40,2027-01-01", "calendar.csv, row 2, column release_time: must be empty (09:30) or a time HH:MM"),
    ("2027-01-07,,2027-01-08", "calendar.csv, row 2, column cut_off: must be on or before the release date"),
    ("2027-01-07,,", "calendar.csv, row 2, column cut_off: must be a date written YYYY-MM-DD"),
    ("2027-01-07,,2027-01-01,extra", "calendar.csv, row 2: must have 3 cells"),
])
def test_every_bad_calendar_row_is_named_with_its_rule(row, expected):
    found = rejected(parse_calendar, f"release_date,release_time,cut_off\n{row}\n")
    assert any(line.startswith(expected) for line in found), found


def test_a_calendar_without_its_header_or_with_a_date_twice_is_refused():
    assert rejected(parse_calendar, "2027-01-07,,2027-01-01\n")[0].startswith(
        "calendar.csv, row 1: must start with the header row release_date,release_time,cut_off")
    twice = rejected(parse_calendar, "release_date,release_time,cut_off\n2027-01-07,,2027-01-01\n2027-01-07,,2027-01-02\n")
    assert twice == ["calendar.csv, rows 2-3 (2 rows), column release_date: must name each release date once"]
    backwards = rejected(parse_calendar, "release_date,release_time,cut_off\n2027-01-07,,2027-01-05\n2027-02-07,,2027-01-01\n")
    assert backwards[0].startswith("calendar.csv, rows 2-3 (2 rows), column cut_off: cut-offs must not go back in time")


def test_a_file_that_is_not_csv_text_is_refused_not_a_traceback():
    assert rejected(parse_calendar, "release_date\x00")[0] == "calendar.csv: must be CSV text (it holds a NUL byte)"
    assert "must be at most" in rejected(parse_report_dates, "x" * 1_000_001)[0]


def test_report_dates_name_their_bad_rows():
    text = ("inspection_id,report_published_on\nhampshire-2013,2013-07-01\n=HYPERLINK(\"x\"),2013-07-01\n"
            "kent-2013,01/07/2013\nhampshire-2013,2013-07-02\n")
    assert rejected(parse_report_dates, text) == [
        "report_dates.csv, row 3, column inspection_id: must be an inspection id: lower-case letters, digits and hyphens",
        "report_dates.csv, row 4, column report_published_on: must be a date written YYYY-MM-DD",
        "report_dates.csv, rows 2, 5 (2 rows), column inspection_id: must name each inspection once",
    ]
    assert parse_report_dates("inspection_id,report_published_on\nkent-2013,2013-07-01\n\n") == {"kent-2013": dt.date(2013, 7, 1)}


def test_a_release_is_due_at_its_time_in_london_in_winter_and_in_summer():
    winter, summer = ReleaseSlot(dt.date(2027, 1, 7), dt.time(9, 30), dt.date(2027, 1, 1)), \
        ReleaseSlot(dt.date(2027, 7, 1), dt.time(9, 30), dt.date(2027, 6, 25))
    assert winter.due_at.astimezone(dt.timezone.utc).time() == dt.time(9, 30)  # GMT
    assert summer.due_at.astimezone(dt.timezone.utc).time() == dt.time(8, 30)  # BST
    just_before = dt.datetime(2027, 7, 1, 8, 29, tzinfo=dt.timezone.utc)
    assert due_slots([winter, summer], just_before, built=set()) == [winter]  # missed, caught up
    assert due_slots([winter, summer], just_before + dt.timedelta(minutes=1), built={"2027-01-07"}) == [summer]
    assert next_slot([winter, summer], dt.date(2027, 1, 7)) == summer
    assert next_slot([winter, summer], dt.date(2027, 7, 1)) is None


def test_a_release_by_hand_off_the_calendar_cuts_off_on_its_own_date():
    calendar = parse_calendar(CALENDAR)
    assert slot_for(calendar, dt.date(2027, 1, 7)).cut_off == dt.date(2027, 1, 1)
    assert slot_for(calendar, dt.date(2026, 12, 4)) == ReleaseSlot(dt.date(2026, 12, 4), dt.time(9, 30), dt.date(2026, 12, 4))
    assert slot_for(calendar, dt.date(2026, 12, 4)) not in calendar
    assert LONDON.key == "Europe/London"


def test_the_embargo_holds_back_reports_after_the_cut_off_and_reports_never_dated():
    dates = {"a": dt.date(2026, 11, 30), "b": dt.date(2026, 12, 1), "c": dt.date(2026, 12, 2), "gone": dt.date(2020, 1, 1)}
    published = {"a", "b", "c", "undated"}
    assert released_inspections(dates, dt.date(2026, 12, 1), published) == {"a", "b"}
    assert released_inspections(dates, dt.date(2026, 11, 29), published) == set()
