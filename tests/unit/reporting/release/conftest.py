"""A small release for the writers' tests: two tables, one number withheld ("[c]", an empty
cell), an integer, a date, and text from returns that a spreadsheet would read as a formula or a
Markdown renderer as a link."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from flows.reporting.release.model import ReleaseColumn, ReleaseInfo, ReleaseNote, ReleaseTable

FORMULA = '=HYPERLINK("http://x")'
SUM = "=1+2"
LINK = "[click](http://evil.example/)"


@pytest.fixture
def info() -> ReleaseInfo:
    return ReleaseInfo(
        release_id="2026-12-04",
        title="Inspection of adult offending work: scores, release of 4 December 2026",
        published_at=dt.datetime(2026, 12, 4, 9, 30, tzinfo=ZoneInfo("Europe/London")),
        cut_off=dt.date(2026, 11, 30),
        next_release=dt.date(2027, 3, 5),
        is_synthetic=True,
        summary="Outcome scores of every inspection in the programme, by inspection and outcome.",
        contact="Research team, research@example.org",
        notes=(ReleaseNote(1, "Scores are percentages of cases rated as meeting the standard."),
               ReleaseNote(2, "Groups of six inspections are compared only when complete.")),
        previous_release_id="2026-09-04",
    )


@pytest.fixture
def scores() -> ReleaseTable:
    return ReleaseTable(
        name="outcome_scores",
        title="Outcome scores by inspection",
        description="One row per inspection and outcome, from the published marts.",
        columns=(
            ReleaseColumn("inspection_id", "string", "Inspection", "The inspection's identifier."),
            ReleaseColumn("outcome_code", "integer", "Outcome", "The outcome's number, 1 to 3."),
            ReleaseColumn("n_cases", "integer", "Cases", "Cases scored for the outcome."),
            ReleaseColumn("score", "number", "Score", "Fraction of cases meeting the standard, 0 to 1."),
            ReleaseColumn("published_on", "date", "Report published", "The day the report was published."),
            ReleaseColumn("comment", "string", "Comment", "The inspection team's comment, as received."),
            ReleaseColumn("status", "string", "Status", "Why a number is withheld, or how it may change."),
        ),
        primary_key=("inspection_id", "outcome_code"),
        rows=pd.DataFrame({
            "inspection_id": ["hampshire-2013", "hampshire-2013", "london-2014"],
            "outcome_code": pd.array([1, 2, 1], dtype="Int64"),
            "n_cases": pd.array([12, 2, 30], dtype="Int64"),
            "score": [0.75, None, 0.5],
            "published_on": [dt.date(2013, 5, 1), dt.date(2013, 5, 1), dt.date(2014, 7, 9)],
            "comment": [SUM, FORMULA, LINK],
            "status": ["", "[c]", "[p] [r]"],
        }),
        sheet_name="Outcome scores",
    )


@pytest.fixture
def inspections() -> ReleaseTable:
    return ReleaseTable(
        name="inspections",
        title="Inspections in the release",
        description="One row per inspection whose report was published on or before the cut-off.",
        columns=(
            ReleaseColumn("inspection_id", "string", "Inspection", "The inspection's identifier."),
            ReleaseColumn("area", "string", "Area", "The probation area inspected."),
            ReleaseColumn("fieldwork_start", "date", "Fieldwork began", "The first day of fieldwork."),
            ReleaseColumn("n_people", "integer", "People", "People whose cases were read."),
        ),
        primary_key=("inspection_id",),
        rows=pd.DataFrame({
            "inspection_id": ["hampshire-2013", "london-2014"],
            "area": ["Hampshire", "London"],
            "fieldwork_start": pd.to_datetime(["2013-02-04", "2014-03-10"]),
            "n_people": pd.array([40, 55], dtype="Int64"),
        }),
    )


@pytest.fixture
def tables(scores, inspections) -> list[ReleaseTable]:
    return [scores, inspections]
