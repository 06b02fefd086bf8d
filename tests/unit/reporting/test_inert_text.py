"""Text from returns reaching the reports' outputs stays text: a formula in an area is written
quoted into every CSV (OWASP's rule), what the rejection report and the published-run artifact
name renders in Markdown as itself, never as a link, an image or HTML, and the HTML reports
(built without templates) escape it with html.escape."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import re
from decimal import Decimal
from types import SimpleNamespace as Row

import pytest

from flows.core.findings import Finding, SuiteOutcome
from flows.reporting import group_report
from flows.reporting.rejection import RejectionReport, render_html, render_markdown, suites_markdown
from flows.reporting.tables import ReportTable, key_table
from flows.sources.base import PublishedSummary
from flows.sources.surveys.kind import SurveyDeliveries

FORMULA = '=HYPERLINK("http://x","y")'
IMAGE = "![x](http://evil/img.png)"
TAG = "<img src=x onerror=alert(1)>"


def _table() -> ReportTable:
    return ReportTable(
        "headline_scores", "Outcome scores", "fct_outcome_scores",
        ["inspection_id", "area", "score_pct", "difference_pp", "note"],
        [("hampshire-2013", FORMULA, 79, -1.5, "@SUM(1)"),
         ("london-2014", "London", None, Decimal("-0.3"), "-1.5")],
        key={"area": "=cmd|' /C calc'!A0"},
    )


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_a_formula_in_an_area_is_written_quoted_into_the_report_csv():
    text = _table().csv_text()
    assert "'=HYPERLINK(" in text
    rows = _rows(text)
    assert rows[1] == ["hampshire-2013", "'" + FORMULA, "79", "-1.5", "'@SUM(1)"]
    # Numbers stay numbers, never quoted: a negative difference and a number written as text too.
    assert rows[2] == ["london-2014", "London", "", "-0.3", "-1.5"]
    assert text.splitlines()[2] == "london-2014,London,,-0.3,-1.5"


def test_the_key_to_the_columns_is_quoted_too():
    rows = _rows(key_table({"headline_scores": _table()}).csv_text())
    assert ["headline_scores", "area", "'=cmd|' /C calc'!A0"] in rows


def test_the_report_page_s_csv_downloads_are_quoted():
    section = "".join(group_report._downloads_section({"headline_scores": _table()}))
    (encoded,) = re.findall(r"base64,([A-Za-z0-9+/=]+)'", section)
    text = base64.b64decode(encoded).decode("utf-8")
    assert text == _table().csv_text()
    assert _rows(text)[1][1] == "'" + FORMULA


# ---------------------------------------------------------------- rejection report and artifacts


def _report() -> RejectionReport:
    findings = [
        Finding(source=f"{IMAGE}.csv", rule="not a column of the landing contract", rule_id="x.columns.unexpected",
                rows=(1,), column=TAG),
        Finding(source="inspection.yaml", key="a|b\n# heading", rule="must match the name (![y](http://e/))",
                rule_id="inspection.inspection_id.matches_name", detail="[link](http://evil/)"),
    ]
    suites = [SuiteOutcome("cases", f"{IMAGE}.csv", 12, 1)]
    return RejectionReport(f"[x]({IMAGE})", "ab" * 32, dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC), findings, suites)


def _no_markup(markdown: str) -> None:
    for pattern in (r"(?<!\\)!(?<!\\)\[", r"(?<!\\)\]\(", r"(?<!\\)<(?!/?(?:br)>)"):
        assert not re.search(pattern, markdown), (pattern, markdown)


def test_the_rejection_report_s_markdown_escapes_what_the_sender_named():
    markdown = render_markdown(_report())
    _no_markup(markdown)
    # Every table row has its four cells: a | or a line break in a name cannot add or end one.
    table = [line for line in markdown.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert len(table) == 2
    for line in table:
        assert len(re.findall(r"(?<!\\)\|", line)) == 5, line
    assert r"\!\[x\]\(http\://evil/img\.png\)\.csv" in markdown
    assert r"\<img src\=x onerror\=alert\(1\)\>" in markdown


def test_the_rejection_report_renders_as_text_in_a_markdown_renderer():
    markdown_it = pytest.importorskip("markdown_it")
    page = markdown_it.MarkdownIt("commonmark").enable("table").render(render_markdown(_report()))
    assert "<img" not in page and "<a " not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_rejection_report_s_html_escapes_what_the_sender_named():
    page = render_html(_report())
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_checks_run_table_escapes_file_names():
    (header, rule, row) = suites_markdown([SuiteOutcome("responses.sq_more_help_with", "a|b.csv", 3, 0)])
    assert row == r"| responses\.sq\_more\_help\_with | a\|b\.csv | 3 | 0 |"


def test_the_published_run_artifact_escapes_its_values():
    artifact = SurveyDeliveries().artifact_markdown(
        "noms-offender-survey-2012", "pub-1", "ab" * 32, PublishedSummary(f"5 responses from {IMAGE}"),
        suites_markdown([SuiteOutcome("responses", TAG, 3, 0)]))
    _no_markup(artifact)
    assert artifact.startswith(r"# noms\-offender\-survey\-2012: published")
    assert r"\!\[x\]\(http\://evil/img\.png\)" in artifact


# ---------------------------------------------------------------- HTML reports (html.escape, no templates)


def test_the_group_report_escapes_areas_in_its_html():
    inspection = Row(inspection_id="hampshire-2013", area=TAG, position_in_group=1, n_cases=85, is_synthetic=True,
                     methodology="iaow-2013", group_theme=IMAGE, fieldwork_start=dt.date(2013, 8, 5),
                     published_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    empty = ReportTable("x", "", "", [], [], [])
    context = ReportTable("area_context", "", "", [], [], [Row(
        inspection_id="hampshire-2013", area=TAG, measure="population", measure_label="Population", unit="persons",
        geography=TAG, value=1.0, period="2011", national_geography="England and Wales", national_value=2.0,
        difference_from_national=-1.0, source=FORMULA)])
    group = group_report.GroupData(
        group_id="g", inspections=[inspection],
        tables={"question_scores": empty, "survey_results": empty, "victim_results": empty, "area_context": context},
        methodologies=[Row(methodology_id="iaow-2013", name="IAOW", status="confirmed", score_rule="mean", description=TAG)],
        survey_questions=[], victim_questions=[], threshold=10, group_size=6)
    page = "".join(group_report._notes_section(group) + group_report._context_section(group))
    assert "<img" not in page
    assert page.count("&lt;img src=x onerror=alert(1)&gt;") >= 3
