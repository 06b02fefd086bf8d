"""Offender survey deliveries: find one and read it, as text, with its row numbers.

A delivery is national and annual: `landing/surveys/<survey_id>/` holding `survey.yaml`
(survey_id, survey_year) and `responses.csv` (`response_id, area, <one column per survey
question>`), complete when its sender has written `_READY` last, as for inspection returns.
Like contract.py, this layer only checks what must hold before the tables can be read; the GX
suite of expectations/survey.py judges the values.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from flows.contract import (
    READY_MARKER,
    ReturnSource,
    Table,
    UsageError,
    check_members,
    check_name_is_slug,
    read_csv_table,
    read_key_value_yaml,
)
from flows.findings import Finding, ReturnRejected

SURVEY_FILE = "survey.yaml"
RESPONSES_FILE = "responses.csv"
SURVEYS_FOLDER = "surveys"
# Several options of a multi-select question share one cell: "accommodation;health".
MULTI_SEPARATOR = ";"


@dataclass
class ParsedSurvey:
    source: ReturnSource
    survey: Table  # one row: the keys of survey.yaml as columns
    responses: Table

    @property
    def header(self) -> pd.Series:
        return self.survey.frame.iloc[0]


def is_survey_delivery(path: Path) -> bool:
    """A folder holding survey.yaml, or any folder under landing/surveys/."""
    path = Path(path)
    return path.is_dir() and ((path / SURVEY_FILE).exists() or path.resolve().parent.name == SURVEYS_FOLDER)


def locate_delivery(path: Path) -> ReturnSource:
    path = Path(path)
    if not path.is_dir():
        raise UsageError(f"{path}: a survey delivery is a folder holding {SURVEY_FILE} and {RESPONSES_FILE}")
    return ReturnSource(path=path, kind="folder", name=path.name)


def read_delivery(source: ReturnSource) -> ParsedSurvey:
    """Read survey.yaml and responses.csv, or raise ReturnRejected naming each structural problem."""
    findings: list[Finding] = []
    check_name_is_slug(source, "delivery.name.slug", "folder", "survey id", "noms-offender-survey-2012", findings)
    present = {p.name: p for p in source.files if not p.name.startswith(".")}
    check_members(
        set(present) - {READY_MARKER},
        allowed=[SURVEY_FILE, RESPONSES_FILE],
        required=[SURVEY_FILE, RESPONSES_FILE],
        what="file",
        label=lambda name: name,
        findings=findings,
    )
    survey = read_key_value_yaml(present[SURVEY_FILE], "survey", findings) if SURVEY_FILE in present else None
    responses = None
    if RESPONSES_FILE in present:
        frame = read_csv_table(present[RESPONSES_FILE], findings)
        if frame is not None:
            responses = Table("responses", RESPONSES_FILE, frame)
    if findings:
        raise ReturnRejected(source.name, findings)
    assert survey is not None and responses is not None
    return ParsedSurvey(source, survey, responses)


def ticked_options(cell: str | None) -> list[str]:
    """The options of a multi-select cell, as written (blank tokens kept, so they are reported)."""
    if cell is None:
        return []
    return [token.strip() for token in cell.split(MULTI_SEPARATOR)]
