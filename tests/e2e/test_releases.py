"""Statistical releases through the real command line, on real warehouses: the demo's first
release, the embargo, disclosure control, revisions between two releases, refusals, and the
files themselves (Frictionless validation, the spreadsheet's layout).

The embargo and revision tests work in a data directory of their own, copied from the demo's
published state, so that what they plant (an embargoed inspection, small survey areas, a
corrected return) never reaches the other tests' programme.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from flows.config import Paths, paths
from flows.core.release_calendar import LONDON
from flows.reporting.release.datapackage import validate_package
from flows.storage.faults import CRASH_EXIT_CODE
from tests.disclosure import THRESHOLD, small_area_responses, write_delivery
from tests.return_edits import rewrite_csv
from tests.support import copy_published_home, run_iaow

EMBARGOED = "placeholder-area-c-2014"  # report published after the cut-off
UNDATED = "northumbria-2013"  # no report date recorded: under embargo too
CUT_OFF = "2026-11-30"
SECOND = "2026-12-01"
CORRECTED = "hampshire-2013"


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def every_text(folder: Path) -> str:
    """Everything a release folder holds, as text: each file, and each part of the spreadsheet."""
    texts = []
    for file in sorted(folder.iterdir()):
        if file.suffix == ".xlsx":
            with zipfile.ZipFile(file) as workbook:
                texts += [workbook.read(name).decode("utf-8", "replace") for name in workbook.namelist()]
        else:
            texts.append(file.read_bytes().decode("utf-8", "replace"))
    return "\n".join(texts)


def hashes(folder: Path) -> dict[str, str]:
    return {file.name: hashlib.sha256(file.read_bytes()).hexdigest() for file in sorted(folder.iterdir())}


def check_spreadsheet(folder: Path) -> None:
    """Cover, contents and notes first, then one sheet per table with rows, each with its header
    row as its CSV has it; no formula anywhere."""
    [workbook_file] = folder.glob("*.xlsx")
    workbook = openpyxl.load_workbook(workbook_file)
    assert workbook.sheetnames[:3] == ["Cover", "Contents", "Notes"]
    tables = [path.stem for path in sorted(folder.glob("*.csv"))]
    with_rows = {stem for stem in tables if read_csv(folder / f"{stem}.csv")}
    assert len(workbook.sheetnames) == 3 + len(with_rows)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
    headers = {tuple(next(csv.reader(open(folder / f"{stem}.csv", encoding="utf-8")))) for stem in with_rows}
    for sheet in workbook.worksheets[3:]:
        rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
        assert any(tuple(value for value in row if value is not None) in headers for row in rows), \
            f"sheet {sheet.title} has no header row of its table"


# ---------------------------------------------------------------- the demo's first release


def test_the_demo_publishes_a_first_release_that_validates(demo_home):
    p = paths()
    today = dt.datetime.now(LONDON).date().isoformat()
    folder = p.releases / today
    assert (folder / "datapackage.json").exists()
    assert validate_package(folder) == []
    names = {file.name for file in folder.iterdir()}
    tables = ("inspections", "outcome_scores", "question_scores", "group_outcome_scores", "area_group_comparisons",
              "survey_results", "victim_results", "area_context", "revisions")
    assert {f"{t}.{suffix}" for t in tables for suffix in ("csv", "parquet")} <= names
    assert {"README.md", "README.html", f"iaow-release-{today}.xlsx"} <= names
    assert "SYNTHETIC DEMO DATA" in (folder / "README.md").read_text(encoding="utf-8")
    # The demo's groups in progress are provisional; the complete one is final.
    groups = {row["group_id"]: row["status"] for row in read_csv(folder / "group_outcome_scores.csv")}
    assert groups["iaow-2013-violent-offending"] == ""
    assert groups["iaow-2014-protecting-children"] == "[p]"
    # Read-only: a release is never modified after it is written.
    assert all(not file.stat().st_mode & 0o222 for file in folder.iterdir())
    check_spreadsheet(folder)


def test_numeric_columns_hold_only_numbers_and_the_status_says_why_one_is_empty(demo_home):
    folder = paths().releases / dt.datetime.now(LONDON).date().isoformat()
    questions = read_csv(folder / "question_scores.csv")
    for row in questions:
        for column in ("n_relevant", "n_sufficient", "score_pct", "ci_low_pct", "ci_high_pct"):
            assert row[column] == "" or float(row[column]) >= 0
        if row["n_relevant"] == "":
            assert row["status"] == "[c]"
        elif int(row["n_relevant"]) == 0:
            assert row["status"] == "[z]" and row["score_pct"] == ""
        else:
            assert int(row["n_relevant"]) >= THRESHOLD and row["status"] == ""
    assert any(row["status"] == "[c]" for row in questions)


# ---------------------------------------------------------------- embargo and disclosure control


@pytest.fixture(scope="module")
def release_home(demo_home, tmp_path_factory) -> Path:
    """A data directory of its own holding the demo's published programme, its key and its archive."""
    return copy_published_home(paths().home, tmp_path_factory.mktemp("release home o'brien"))


def iaow(home: Path, *args: str):
    return run_iaow(*args, env={"IAOW_HOME": str(home)})


def test_nothing_under_embargo_and_no_small_count_reaches_any_file_of_a_release(release_home, tmp_path):
    p = Paths(release_home)
    # Plant: survey results of every probation area with 1-25 respondents each.
    survey = write_delivery(tmp_path / "small-areas-survey-9", "small-areas-survey-9", small_area_responses(9))
    planted = iaow(release_home, "ingest", str(survey))
    assert planted.returncode == 0, planted.stderr
    # Plant: one inspection whose report comes out after the cut-off, one with no report date.
    p.releases.mkdir(exist_ok=True)
    dates = [(i, "2014-06-01") for i in published_inspections(p) if i not in (EMBARGOED, UNDATED)]
    dates.append((EMBARGOED, "2026-12-01"))
    (p.releases / "report_dates.csv").write_text(
        "inspection_id,report_published_on\n" + "".join(f"{i},{d}\n" for i, d in dates), encoding="utf-8")

    result = iaow(release_home, "release", "--as-of", CUT_OFF)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"release {CUT_OFF} published" in result.stdout and "2 under embargo" in result.stdout
    folder = p.releases / CUT_OFF
    text = every_text(folder)
    for hidden in (EMBARGOED, "Placeholder Area C", UNDATED, "Northumbria"):
        assert hidden not in text, f"{hidden} reached the release"
    # Nothing half-written or left behind: no staging folder, no scratch warehouse.
    assert [path.name for path in p.releases.iterdir() if path.name.startswith(".staging")] == []
    assert not p.release_scope_db.parent.exists()

    # The group aggregates are computed without the embargoed inspections, and provisional.
    groups = {(r["group_id"], r["outcome_code"]): r for r in read_csv(folder / "group_outcome_scores.csv")}
    assert groups["iaow-2013-violent-offending", "1"]["n_inspections"] == "5"
    assert groups["iaow-2014-protecting-children", "1"]["n_inspections"] == "3"
    assert {r["status"] for r in groups.values() if r["group_id"] != "hmip-2018-case-supervision"} == {"[p]"}

    # Survey results: only areas with an inspection in the release, and no count of fewer than
    # THRESHOLD people in any cell; a withheld cell is empty and marked [c].
    survey_rows = [r for r in read_csv(folder / "survey_results.csv") if r["survey_id"] == "small-areas-survey-9"]
    released_areas = {r["area"] for r in read_csv(folder / "inspections.csv")}
    assert survey_rows and {r["area"] for r in survey_rows} <= released_areas
    for row in survey_rows:
        if row["status"] == "[c]":
            assert row["n_option"] == "" and row["share_pct"] == ""
        else:
            assert int(row["n_respondents"]) >= THRESHOLD
            assert int(row["n_option"]) == 0 or int(row["n_option"]) >= THRESHOLD
        assert row["n_respondents"] == "" or int(row["n_respondents"]) >= THRESHOLD
    assert any(r["status"] == "[c]" for r in survey_rows)
    assert validate_package(folder) == []
    check_spreadsheet(folder)


def published_inspections(p: Paths) -> list[str]:
    import duckdb

    with duckdb.connect(str(p.published_db), read_only=True) as connection:
        return [row[0] for row in connection.execute("select inspection_id from marts.dim_inspection").fetchall()]


# ---------------------------------------------------------------- revisions


def test_a_corrected_return_between_two_releases_is_marked_r_and_logged(release_home, tmp_path):
    p = Paths(release_home)
    first = p.releases / CUT_OFF
    first_files = hashes(first)
    # The embargoed report is out by the second release's cut-off.
    corrected = tmp_path / CORRECTED
    shutil.copytree(paths().landing_inspections / CORRECTED, corrected)

    def correct(rows):
        for row in rows[1:]:
            if row[1] == "q4.2.7" and row[2] == "no":
                row[2] = "yes"

    rewrite_csv(corrected / "answers.csv", correct)
    assert iaow(release_home, "ingest", str(corrected)).returncode == 0

    result = iaow(release_home, "release", "--as-of", SECOND)
    assert result.returncode == 0, result.stdout + result.stderr
    second = p.releases / SECOND
    assert hashes(first) == first_files  # the earlier release is never touched

    log = read_csv(second / "revisions.csv")
    hampshire = [line for line in log if f"inspection_id={CORRECTED}" in line["record_key"]]
    assert hampshire, log
    assert all(f"corrected return for {CORRECTED}" in line["reason"] for line in hampshire)
    old = {(r["inspection_id"], r["outcome_code"]): r for r in read_csv(first / "outcome_scores.csv")}
    new = {(r["inspection_id"], r["outcome_code"]): r for r in read_csv(second / "outcome_scores.csv")}
    revised = [key for key in new if key in old and old[key]["score_pct"] != new[key]["score_pct"]]
    assert revised and all(key[0] == CORRECTED and "[r]" in new[key]["status"] for key in revised)
    for key in revised:
        line = next(l for l in log if l["table_name"] == "outcome_scores" and l["column_name"] == "score_pct"
                    and l["record_key"] == f"inspection_id={key[0]}; outcome_code={key[1]}")
        assert (line["previous_value"], line["new_value"]) == (old[key]["score_pct"], new[key]["score_pct"])
    # The embargoed inspection arrives; it is new, not revised.
    assert EMBARGOED in {r["inspection_id"] for r in read_csv(second / "inspections.csv")}
    assert not any(EMBARGOED in line["record_key"] for line in log)
    readme = (second / "README.md").read_text(encoding="utf-8")
    assert f"Compared with the release of {CUT_OFF}" in readme and "value(s) revised" in readme
    assert validate_package(second) == []


# ---------------------------------------------------------------- what is refused


def test_a_release_is_built_once_in_date_order_and_never_for_the_future(release_home):
    p = Paths(release_home)
    before = hashes(p.releases / SECOND)
    again = iaow(release_home, "release", "--as-of", SECOND)
    assert again.returncode == 0 and "already published" in again.stdout
    assert hashes(p.releases / SECOND) == before

    older = iaow(release_home, "release", "--as-of", "2026-11-15")
    assert older.returncode == 2 and "published in date order" in older.stderr
    future = (dt.datetime.now(LONDON).date() + dt.timedelta(days=2)).isoformat()
    ahead = iaow(release_home, "release", "--as-of", future)
    assert ahead.returncode == 2 and "in the future" in ahead.stderr
    assert not (p.releases / future).exists()
    assert iaow(release_home, "release", "--as-of", "4/12/2026").returncode == 2


@pytest.mark.parametrize(("point", "as_of"), [("release-before-rename", "2026-12-02"), ("release-after-rename", "2026-12-03")])
def test_a_release_killed_at_its_worst_moments_is_finished_once_by_the_rerun(release_home, point, as_of):
    """Killed with its pack written but not in place: no release folder, and the rerun builds it.
    Killed with its folder in place but not announced: the rerun announces it, builds nothing."""
    p = Paths(release_home)
    crashed = run_iaow("release", "--as-of", as_of, env={"IAOW_HOME": str(release_home), "IAOW_CRASH_AT": point})
    assert crashed.returncode == CRASH_EXIT_CODE, crashed.stdout + crashed.stderr
    in_place = (p.releases / as_of).exists()
    assert in_place == (point == "release-after-rename")
    assert not (p.releases / ".events" / as_of).exists()
    files = hashes(p.releases / as_of) if in_place else None

    rerun = iaow(release_home, "release", "--as-of", as_of)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert ("already published" in rerun.stdout) == in_place
    assert validate_package(p.releases / as_of) == []
    if files is not None:
        assert hashes(p.releases / as_of) == files
    assert (p.releases / ".events" / as_of).exists()  # announced, once the rerun is done
    assert [path.name for path in p.releases.iterdir() if path.name.startswith(".staging")] == []


def test_a_bad_calendar_is_refused_naming_file_row_and_rule(release_home):
    p = Paths(release_home)
    (p.releases / "calendar.csv").write_text(
        "release_date,release_time,cut_off\n2027-01-07,09:30,2027-01-01\n2027-02-04,09:30,2027-02-05\n", encoding="utf-8")
    try:
        result = iaow(release_home, "release")
        assert result.returncode == 1, result.stdout + result.stderr
        assert "calendar.csv, row 3, column cut_off: must be on or before the release date" in result.stderr
        assert "Traceback" not in result.stderr
        status = iaow(release_home, "status")
        assert status.returncode == 0, status.stderr
        assert "the calendar is refused: calendar.csv, row 3, column cut_off" in status.stdout
        assert f"published, latest {SECOND}" not in status.stdout  # the crash tests' releases came later
        assert "published, latest 2026-12-03" in status.stdout
    finally:
        (p.releases / "calendar.csv").unlink()
