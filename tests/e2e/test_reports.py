"""The aggregate reports and score sheets `make demo` renders, checked against the published
marts they come from: the files exist, the numbers and tables are the published ones, nothing is
fetched from elsewhere, no personal data is in them."""

from __future__ import annotations

import csv
import re

import pytest

from flows.reporting.charts import Z_95, Z_998
from flows.config import paths
from tests.support import run_iaow

COMPLETE = "iaow-2013-violent-offending"
IN_PROGRESS = "iaow-2014-protecting-children"


@pytest.fixture(scope="module")
def reports(demo_home):
    return paths().reports


def read_csv(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_demo_renders_every_group_report_and_every_score_sheet(reports, published):
    groups = [row[0] for row in published.execute("select distinct group_id from marts.dim_inspection").fetchall()]
    for group_id in groups:
        assert (reports / group_id / "index.html").stat().st_size > 10_000
        assert (reports / group_id / "report.pdf").read_bytes()[:5] == b"%PDF-"
    inspections = [row[0] for row in published.execute("select inspection_id from marts.dim_inspection").fetchall()]
    assert sorted(p.stem for p in (reports / "inspections").glob("*.html")) == sorted(inspections)


def test_only_the_group_in_progress_is_marked_provisional(reports):
    complete = (reports / COMPLETE / "index.html").read_text()
    in_progress = (reports / IN_PROGRESS / "index.html").read_text()
    assert "banner provisional" not in complete and "6 of 6 inspections published" in complete
    assert "<strong>Provisional:</strong> 4 of 6 inspections" in in_progress
    for page in (complete, in_progress):
        assert "banner synthetic" in page


def test_report_tables_are_the_published_marts(reports, published):
    tables = reports / COMPLETE / "tables"
    headline = read_csv(tables / "headline_scores.csv")
    expected = published.execute(
        "select inspection_id, outcome_code, score_pct from marts.fct_outcome_scores join marts.dim_inspection using (inspection_id) "
        "where group_id = ? order by outcome_code, position_in_group", [COMPLETE]).fetchall()
    assert [(r["inspection_id"], int(r["outcome_code"]), int(r["score_pct"])) for r in headline] == expected
    funnel = read_csv(tables / "funnel.csv")
    positions = published.execute(
        "select area, outcome_code, funnel_position from marts.fct_area_group_comparisons where group_id = ? order by outcome_code, area",
        [COMPLETE]).fetchall()
    assert [(r["area"], int(r["outcome_code"]), r["funnel_position"]) for r in funnel] == positions
    survey = read_csv(tables / "survey_results.csv")
    assert survey and all(r["n_option"] == "" for r in survey if r["suppressed"] == "True")  # withheld stays withheld


def test_every_column_of_every_table_has_a_key(reports):
    tables = reports / COMPLETE / "tables"
    key = {(r["table"], r["column"]): r["description"] for r in read_csv(tables / "key.csv")}
    for path in tables.glob("*.csv"):
        if path.name == "key.csv":
            continue
        with path.open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        for column in header:
            assert key.get((path.stem, column)), f"{path.name}: column {column} has no description in key.csv"


def test_hampshire_score_sheet_has_the_published_report_summary(reports):
    sheet = (reports / "inspections" / "hampshire-2013.html").read_text()
    summary = sheet.split("Summary of scores", 1)[1].split("</table>", 1)[0]
    # HMI Probation's Hampshire report, October 2013: 79 / 82 / 75 / 76 / 77
    assert re.findall(r"<strong>(\d+)%</strong>", summary) == ["79", "82", "75", "76", "77"]
    assert "Compared with the group" in sheet and "Criterion scores" in sheet


def test_reports_fetch_nothing_and_carry_no_personal_data(reports, published):
    pages = [*reports.glob("*/index.html"), *(reports / "inspections").glob("*.html")]
    case_refs = {row["case_ref"] for row in read_csv(paths().landing_inspections / "hampshire-2013" / "cases.csv")}
    for page in pages:
        text = page.read_text()
        assert not re.search(r"""(src|href)\s*=\s*['"]?(https?:)?//""", text), f"{page} refers to another site"
        assert "<script" not in text and "<link" not in text and "@import" not in text and "url(" not in text
        assert not [ref for ref in case_refs if ref in text], f"{page} carries a case reference"
    for table in reports.glob("*/tables/*.csv"):
        text = table.read_text()
        assert not [ref for ref in case_refs if ref in text], f"{table} carries a case reference"


def test_the_funnel_picture_agrees_with_the_published_flags(published):
    """The plot draws the limits as ±z x SE around zero difference: a point lies outside a curve
    exactly when the mart flags the area, for every comparison of the demo."""
    rows = published.execute(
        "select difference, null_score_se, is_outside_95, is_outside_998 from marts.fct_area_group_comparisons where lower_95 is not null"
    ).fetchall()
    assert rows
    for difference, se, outside_95, outside_998 in rows:
        assert (abs(difference) > Z_95 * se) == outside_95
        assert (abs(difference) > Z_998 * se) == outside_998


def test_report_of_an_unknown_group_is_a_clear_usage_error(demo_home):
    result = run_iaow("report", "no-such-group")
    assert result.returncode == 2
    assert "group no-such-group has no published inspection" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_report_on_demand_renders_the_group_again(reports):
    before = (reports / IN_PROGRESS / "report.pdf").stat().st_mtime_ns
    result = run_iaow("report", IN_PROGRESS)
    assert result.returncode == 0, result.stderr
    assert "PROVISIONAL, 4 of 6 inspections" in result.stdout
    assert (reports / IN_PROGRESS / "report.pdf").stat().st_mtime_ns > before
