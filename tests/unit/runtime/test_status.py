"""`iaow status` per input kind. Regression: a rejected survey delivery used to be listed among
the inspections (quarantine summaries did not say which kind of input they were about)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.config import Paths
from flows.runtime.status import input_statuses
from flows.runtime.watcher import LandedReturn, Ledger
from flows.sources.base import content_files
from flows.sources.registry import kind_named
from flows.storage.quarantine import quarantine
from tests.factories import inspection_return, survey_delivery

INSPECTIONS = kind_named("inspection")
SURVEYS = kind_named("survey")


@pytest.fixture
def p(tmp_path) -> Paths:
    return Paths(tmp_path / "home")


def rejected(p: Paths, input_id: str, files: list[Path], sha: str, *, kind: str | None, problems: int = 1) -> None:
    """Quarantine `files` as the ingest flow does; kind=None writes a summary the old way, without "kind"."""
    summary = {
        "return_sha256": sha * 64,
        "received_at": f"2013-01-0{problems}T09:30:00+00:00",
        "problems": problems,
        "first_problem": f"responses.csv, row {problems + 1}, column area: must be a known area",
    }
    if kind is not None:
        summary = {"kind": kind, **summary}
    quarantine(p.quarantine, input_id, sha * 64, files, {"report.md": "# rejected\n"}, summary)


@pytest.fixture
def quarantined(p, tmp_path) -> Paths:
    """Two rejected survey deliveries (one summary written the old way) and two rejected returns."""
    survey = content_files(survey_delivery(tmp_path / "landing" / "surveys", "test-survey-2012"))
    old_survey = content_files(survey_delivery(tmp_path / "landing" / "surveys", "test-survey-2013", survey_year=2013))
    assert "survey.yaml" in {path.name for path in old_survey}
    rejected(p, "test-survey-2012", list(survey), "a", kind="survey", problems=2)
    rejected(p, "test-survey-2013", list(old_survey), "b", kind=None, problems=3)

    inspection = content_files(inspection_return(tmp_path / "landing" / "inspections", "testshire-2013", victims=0, context=False))
    rejected(p, "testshire-2013", list(inspection), "c", kind="inspection")
    workbook = tmp_path / "landing" / "inspections" / "bookshire-2013.xlsx"
    workbook.write_bytes(b"not really a workbook: status only reads its name")
    rejected(p, "bookshire-2013", [workbook], "d", kind=None)
    return p


def test_a_rejected_survey_delivery_is_not_listed_as_an_inspection(quarantined):
    listed = {status.input_id for status in input_statuses(quarantined, INSPECTIONS)}
    assert listed == {"testshire-2013", "bookshire-2013"}


def test_a_rejected_survey_delivery_is_listed_as_a_rejected_survey(quarantined):
    statuses = {status.input_id: status for status in input_statuses(quarantined, SURVEYS)}
    assert set(statuses) == {"test-survey-2012", "test-survey-2013"}
    assert all(status.state == "rejected" and status.kind == "survey" for status in statuses.values())
    assert "2 problem(s), first responses.csv, row 3" in statuses["test-survey-2012"].describe()
    assert "3 problem(s), first responses.csv, row 4" in statuses["test-survey-2013"].describe()
    assert statuses["test-survey-2013"].when == "2013-01-03 09:30:00"


def test_a_landed_survey_delivery_is_listed_under_its_kind_only(quarantined):
    ledger = Ledger(quarantined.landed_ledger)
    ledger.add(LandedReturn("test-survey-2014", "/x/test-survey-2014", "e" * 64, "2014-01-01T09:30:00+00:00", kind="survey"))
    assert "test-survey-2014" not in {status.input_id for status in input_statuses(quarantined, INSPECTIONS)}
    statuses = {status.input_id: status for status in input_statuses(quarantined, SURVEYS)}
    assert statuses["test-survey-2014"].state == "landed"
