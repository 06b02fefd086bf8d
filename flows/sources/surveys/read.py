"""Offender survey deliveries: find one and read it, as text, with its row numbers.

A delivery is national and annual: `landing/surveys/<survey_id>/` holding `survey.yaml`
(survey_id, survey_year) and `responses.csv` (`response_id, area, <one column per survey
question>`), complete when its sender has written `_READY` last, as for inspection returns.
Like the inspection reader, this only checks what must hold before the tables can be read; the
GX suites of expectations/survey.py judge the values.
"""

from __future__ import annotations

from pathlib import Path

from flows.core.findings import Finding, ReturnRejected
from flows.sources.base import Limits, Parsed, Source, Table, UsageError, locate_entry, scan_folder
from flows.sources.files import check_members, check_name_is_slug, read_csv_table, read_key_value_yaml

SURVEY_FILE = "survey.yaml"
# The keys of survey.yaml (expectations/survey.py, KEYS): the only keys a finding may name.
SURVEY_KEYS = ("survey_id", "survey_year", "synthetic")
RESPONSES_FILE = "responses.csv"
RESPONSES_TABLE = "responses"
SURVEYS_FOLDER = "surveys"


def is_survey_delivery(path: Path) -> bool:
    """A folder holding survey.yaml, or any folder under landing/surveys/."""
    path = Path(path)
    return path.is_dir() and ((path / SURVEY_FILE).exists() or path.resolve().parent.name == SURVEYS_FOLDER)


def locate_delivery(path: Path) -> Source:
    path = Path(path)
    if not path.is_dir():
        raise UsageError(f"{path}: a survey delivery is a folder holding {SURVEY_FILE} and {RESPONSES_FILE}")
    return locate_entry(path, "folder", path.name) or Source(path, "folder", path.name, *scan_folder(path))


def read_delivery(source: Source, limits: Limits) -> Parsed:
    """Read survey.yaml and responses.csv within `limits`, or raise ReturnRejected naming each structural problem."""
    findings: list[Finding] = []
    check_name_is_slug(source, "delivery.name.slug", "folder", "survey id", "noms-offender-survey-2012", findings)
    present = {p.name: p for p in source.files}
    check_members(
        set(present),
        allowed=[SURVEY_FILE, RESPONSES_FILE],
        required=[SURVEY_FILE, RESPONSES_FILE],
        what="file",
        label=lambda name: name,
        findings=findings,
    )
    survey = None
    if SURVEY_FILE in present:
        survey = read_key_value_yaml(present[SURVEY_FILE], "survey", limits, SURVEY_KEYS, findings)
    responses = None
    if RESPONSES_FILE in present:
        frame = read_csv_table(present[RESPONSES_FILE], limits, findings)
        if frame is not None:
            responses = Table(RESPONSES_TABLE, RESPONSES_FILE, frame)
    if findings:
        raise ReturnRejected(source.name, findings)
    assert survey is not None and responses is not None
    return Parsed(source, survey, {RESPONSES_TABLE: responses})
