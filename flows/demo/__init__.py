"""The demo programme (`iaow demo`): eleven SYNTHETIC inspection returns in the form of landing
contract v1, and two offender survey deliveries.

Every case, answer and questionnaire or survey response written here is invented; case references
(`SYN-...`) and `synthetic: true` in inspection.yaml say so. The returns give the platform a
realistic programme to run end to end: two thematic groups (violent offending, 2013; protecting
children and young people, 2014), areas of different quality, sample sizes of 50-90 cases.

Hampshire is the exception that makes the demo a back-test: its return is built so that the
platform's scoring rule gives back the published report (October 2013): outcome scores
79/82/75/76/77 and, for every catalogue question the report gives a fraction for, exactly that
fraction (targets in `data/hampshire_2013_question_targets.csv`; questions the report does not
quantify carry calibrated values, marked as such). Its case mix, victim questionnaire and
Appendix 1 context tables follow the report too. Other areas' question rates start from
Hampshire's and shift by the area's quality level, with a few set from their press releases.
Placeholder areas stand for inspections whose areas the sources do not name. Every return has a
victim questionnaire and context (the other areas' context values are invented and say so, next
to the national comparators Hampshire's report prints).

Two SYNTHETIC deliveries of the national NOMS Offender Survey (2012, read by the 2013
inspections; 2013, read by the 2014 ones) are written under landing/surveys/: responses from
every demo area and three trusts not inspected, Hampshire's 565 of 2012 following the report.

Output is byte-for-byte deterministic: every random draw comes from a generator seeded with the
inspection (or survey and area) id, and nothing reads the clock.

The figures are data files in `data/` (see its README.md), read on first use by `tables`. The
modules turn them into files: `cases` and `answers` (cases.csv, answers.csv, with `catalogue`
the questions from the seeds), `victims` (victim_questionnaire.csv), `context` (context.csv),
`returns` (a whole return) and `surveys` (a survey delivery). This package writes them, through
`_write_bytes`, one function that tests can watch.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flows.demo.catalogue import DemoCatalogue, load_demo_catalogue
from flows.demo.context import INVENTED_SOURCE, build_context
from flows.demo.returns import render_return
from flows.demo.surveys import load_survey_questions, render_survey
from flows.demo.tables import HAMPSHIRE_TARGETS_FILE, DemoInspection, demo_inspections, demo_surveys
from flows.sources.base import READY_MARKER
from flows.sources.surveys.read import SURVEYS_FOLDER

__all__ = [
    "DEMO_INSPECTIONS",
    "DEMO_SURVEYS",
    "HAMPSHIRE_TARGETS_FILE",
    "INVENTED_SOURCE",
    "build_context",
    "demo_inspections",
    "demo_surveys",
    "load_demo_catalogue",
    "load_survey_questions",
    "render_return",
    "render_survey",
    "write_demo_programme",
    "write_demo_surveys",
    "write_return",
]


def _write_bytes(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def _write_delivery(dest_folder: Path, files: Mapping[str, bytes]) -> Path:
    """Write rendered files in their order (`_READY` last) into `dest_folder`."""
    dest_folder.mkdir(parents=True, exist_ok=True)
    # A marker left by an earlier write would announce the delivery before it is complete.
    (dest_folder / READY_MARKER).unlink(missing_ok=True)
    for name, data in files.items():
        _write_bytes(dest_folder / name, data)
    return dest_folder


def _write_return(inspection: DemoInspection, dest_folder: Path, catalogue: DemoCatalogue) -> Path:
    return _write_delivery(dest_folder, render_return(inspection, catalogue))


def write_return(inspection: DemoInspection, dest_folder: Path, seeds_dir: Path | None = None) -> Path:
    """Write one return into `dest_folder` (the return's own folder, created if missing)."""
    return _write_return(inspection, Path(dest_folder), load_demo_catalogue(seeds_dir))


def write_demo_programme(landing: Path, seeds_dir: Path | None = None) -> list[Path]:
    """Write the demo returns as landing/inspections/<inspection_id>/ folders; returns their paths."""
    catalogue = load_demo_catalogue(seeds_dir)
    return [
        _write_return(inspection, Path(landing) / "inspections" / inspection.inspection_id, catalogue)
        for inspection in demo_inspections()
    ]


def write_demo_surveys(landing: Path, seeds_dir: Path | None = None) -> list[Path]:
    """Write the demo survey deliveries as landing/surveys/<survey_id>/ folders; returns their paths."""
    return [
        _write_delivery(Path(landing) / SURVEYS_FOLDER / survey.survey_id, render_survey(survey, seeds_dir))
        for survey in demo_surveys()
    ]


# Read from data files on first use, so that importing the package reads nothing.
_LOADED_BY_NAME = {"DEMO_INSPECTIONS": demo_inspections, "DEMO_SURVEYS": demo_surveys}


def __getattr__(name: str) -> Any:
    if name in _LOADED_BY_NAME:
        return _LOADED_BY_NAME[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
