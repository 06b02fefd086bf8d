"""What a statistical release is made of, independent of the files it is written as.

A release is a set of tidy tables (`ReleaseTable`), each with typed, described columns and a
primary key, and the facts about the release itself (`ReleaseInfo`). The writers (CSV and
Parquet, the Frictionless Data Package, the accessible spreadsheet, the README) each take these
and nothing else, so every file of a release says the same thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

STATUS_COLUMN = "status"

# The Government Statistical Service's shorthand, carried in a table's status column, never in
# a numeric cell (a withheld or missing number is an empty cell).
STATUS_MARKERS: dict[str, str] = {
    "[c]": "confidential: withheld under the disclosure rule (too few people)",
    "[x]": "not available: no case, respondent or figure to compute it from",
    "[z]": "not applicable: the question or measure does not apply here",
    "[p]": "provisional: the group of six is not yet complete, so its aggregates will change",
    "[r]": "revised since the previous release (see revisions.csv)",
}
MISSING_MARKERS: tuple[str, ...] = ("[c]", "[x]", "[z]")

# Frictionless field types used by the release's tables.
FIELD_TYPES = ("string", "integer", "number", "boolean", "date", "datetime")


@dataclass(frozen=True)
class ReleaseColumn:
    name: str
    type: str  # one of FIELD_TYPES
    title: str
    description: str

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise ValueError(f"column {self.name}: type {self.type!r} is not one of {FIELD_TYPES}")

    @property
    def is_numeric(self) -> bool:
        return self.type in {"integer", "number"}


@dataclass(frozen=True)
class ReleaseTable:
    """One table of a release: one CSV, one Parquet file, one resource, one sheet."""

    name: str  # file stem and resource name: lower case, digits, underscores
    title: str  # sheet title: "Outcome scores by inspection"
    description: str  # one or two sentences: what a row is and where it comes from
    columns: tuple[ReleaseColumn, ...]
    primary_key: tuple[str, ...]
    rows: pd.DataFrame = field(compare=False)  # exactly `columns`, in order; None/NaN where withheld
    sheet_name: str = ""  # at most 31 characters; defaults to a short form of the name

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def sheet(self) -> str:
        return (self.sheet_name or self.name.replace("_", " ").capitalize())[:31]


@dataclass(frozen=True)
class ReleaseNote:
    number: int  # shown as [note 1]
    text: str


@dataclass(frozen=True)
class ReleaseInfo:
    release_id: str  # "2026-12-04"
    title: str  # "Inspection of adult offending work: scores, release of 4 December 2026"
    published_at: dt.datetime  # timezone-aware, Europe/London
    cut_off: dt.date  # reports published on or before this date are in the release
    next_release: dt.date | None
    is_synthetic: bool  # the demo programme's data: every file says so
    summary: str  # a paragraph for the cover sheet and the README
    contact: str
    notes: tuple[ReleaseNote, ...] = ()
    previous_release_id: str | None = None
    next_release_time: dt.time | None = None  # local time of the next release, when one is on the calendar
