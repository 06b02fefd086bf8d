"""The tables behind the report and how reporting writes figures: queries are .sql files read as
named records, the CSV's percentage columns are derived from the exact fraction (half up, once),
and no display rounding happens anywhere but in flows.core.figures."""

from __future__ import annotations

import csv
import io
import os
import re
import tokenize
from pathlib import Path

import duckdb
import pytest

from flows.reporting import html, sql, tables
from flows.storage.published import PublishedFile

REPO = Path(__file__).resolve().parents[3]
REPORTING = REPO / "flows" / "reporting"


@pytest.fixture
def published(tmp_path) -> Path:
    """A published file with one mart, fct_group_outcome_scores, holding values that round differently
    through an intermediate, with half to even, or as a float product."""
    path = tmp_path / "iaow.duckdb"
    scratch = tmp_path / ".next.duckdb"
    connection = duckdb.connect(str(scratch))
    connection.execute("create schema marts")
    connection.execute(
        "create table marts.fct_group_outcome_scores (group_id varchar, outcome_code integer, outcome_name varchar, n_inspections integer, "
        "n_inspections_scored integer, pooled_score_pct integer, pooled_rating varchar, mean_score double, min_score double, "
        "max_score double, n_areas_outside_95 integer, n_areas_outside_998 integer, is_complete boolean, methodology varchar)")
    connection.execute(
        "insert into marts.fct_group_outcome_scores values "
        "('g', 1, 'Assisting sentencing', 6, 6, 79, null, 0.72451, 0.0125, 0.725, 0, 0, true, 'm'), "
        "('g', 2, 'Delivering the sentence', 6, 6, 81, null, 0.100049, 0.62505, 0.875, 1, 0, true, 'm'), "
        "('g', 3, 'No score yet', 6, 0, null, null, null, null, null, 0, 0, true, 'm'), "
        "('other', 1, 'Assisting sentencing', 1, 1, 50, null, 0.5, 0.5, 0.5, 0, 0, false, 'm')")
    connection.execute("comment on column marts.fct_group_outcome_scores.pooled_score_pct is 'The pooled score, as published.'")
    connection.close()
    os.replace(scratch, path)
    return path


def group_scores_spec() -> tables.TableSpec:
    return next(spec for spec in tables.GROUP_TABLES if spec.name == "group_scores")


def test_a_table_keeps_its_columns_and_derives_percentages_from_the_exact_fraction(published):
    with PublishedFile(published) as snapshot:
        table = tables.read_table(snapshot, group_scores_spec(), "g")
    assert table.columns == [
        "group_id", "outcome_code", "outcome_name", "n_inspections", "n_inspections_scored", "pooled_score_pct", "pooled_rating",
        "mean_score_pct", "min_score_pct", "max_score_pct", "n_areas_outside_95", "n_areas_outside_998", "is_complete", "methodology"]
    rows = list(csv.DictReader(io.StringIO(table.csv_text())))
    assert [(r["mean_score_pct"], r["min_score_pct"], r["max_score_pct"]) for r in rows] == [
        ("72.5", "1.3", "72.5"),  # 0.0125 is 0.01250000000000000069...: 1.3; 0.725 is 0.72499999999999997...: 72.5
        ("10.0", "62.5", "87.5"),  # 0.100049: 10.0049 -> 10.0; 0.62505: 62.505 -> 62.5
        ("", "", ""),
    ]
    # the page reads the same rows at their exact values, by name
    assert [record.mean_score for record in table.records] == [0.72451, 0.100049, None]
    assert table.records[0].outcome_name == "Assisting sentencing"


def test_the_key_describes_every_column(published):
    with PublishedFile(published) as snapshot:
        table = tables.read_table(snapshot, group_scores_spec(), "g")
    assert table.key["mean_score_pct"] == tables.DERIVED_COLUMNS["mean_score_pct"]
    assert table.key["pooled_score_pct"] == "The pooled score, as published."
    key = list(csv.DictReader(io.StringIO(tables.key_table({"group_scores": table}).csv_text())))
    assert [row["column"] for row in key] == table.columns
    assert {row["table"] for row in key} == {"group_scores"}


def test_every_query_is_a_sql_file_and_every_sql_file_is_used():
    files = {path.stem for path in (REPORTING / "sql").glob("*.sql")}
    used = {spec.name for spec in tables.GROUP_TABLES}
    for path in REPORTING.rglob("*.py"):
        used |= set(re.findall(r"sql\.records\([^,]+, \"(\w+)\"", path.read_text()))
    assert used == files
    for name in files:
        text = sql.load(name)
        assert "round(" not in text.lower(), f"{name}.sql rounds for display: figures.py does that"
        declared = re.findall(r"^-- parameters: (.*)$", text, re.MULTILINE)
        assert text.count("?") == (len(declared[0].split(",")) if declared else 0), f"{name}.sql: say its parameters"


def test_records_are_named(published):
    with PublishedFile(published) as snapshot:
        rows = sql.records(snapshot, "group_scores", "other")
    assert rows[0].group_id == "other" and rows[0].pooled_score_pct == 50


def test_the_report_writes_an_interval_after_a_score():
    assert html.interval_text(0.72451, 0.875) == "(72–88)"
    assert html.interval_note(0.725, 0.625) == " <span class='ci'>(72–63)</span>"
    assert html.interval_note(None, 0.5) == html.interval_text(0.5, float("nan")) == ""


FLOAT_FORMAT = re.compile(r":[+,]*\.(\d+)[f%]\}")
PERCENT_FORMAT = re.compile(r":[+,]*%\}")


def _formatting_problems(path: Path) -> list[str]:
    """Display rounding in code: round() (half to even) and float or percent format specs in
    f-strings. In charts.py a one-decimal coordinate of the SVG markup (`x='{x:.1f}'`,
    `M{x:.1f},{y:.1f}`) is a position, not a figure, and allowed."""
    problems = []
    tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text()).readline))
    for token, following in zip(tokens, tokens[1:] + [None]):
        where = f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path.name}:{token.start[0]}"
        if token.type == tokenize.NAME and token.string == "round" and following is not None and following.string == "(":
            problems.append(f"{where}: round() for display")
        if token.type == tokenize.STRING and re.match(r"^[rbRB]*[fF]", token.string):
            for match in FLOAT_FORMAT.finditer(token.string):
                after = token.string[match.end():match.end() + 1]
                if path.name == "charts.py" and match.group(1) == "1" and match.group(0).endswith("f}") and after in ("'", ",", '"'):
                    continue
                problems.append(f"{where}: format {match.group(0)!r} (write the figure with flows.core.figures)")
            problems += [f"{where}: format {m.group(0)!r}" for m in PERCENT_FORMAT.finditer(token.string)]
    return problems


@pytest.mark.parametrize("root", ["flows/reporting", "dashboards"])
def test_no_figure_is_formatted_outside_flows_core_figures(root):
    problems = [problem for path in sorted((REPO / root).rglob("*.py")) for problem in _formatting_problems(path)]
    assert problems == []


def test_the_formatting_check_finds_display_rounding(tmp_path):
    sample = tmp_path / "charts.py"  # judged as charts.py, the most lenient
    sample.write_text("a = f'{x:.0f}%'\nb = round(x * 100)\nc = f\"{x:+.1f} pp\"\nd = f\"<a x='{x:.1f}'/>\"\ne = f'{x:.1%}'\n"
                      "f = '{x:.0f}'  # not an f-string\n")
    assert [problem.split(": ", 1)[0] for problem in _formatting_problems(sample)] == [
        "charts.py:1", "charts.py:2", "charts.py:3", "charts.py:5"]
