"""Every published interval reads the same wherever it is shown: in the score sheets and the group
report (as rendered by `iaow demo`), in the dashboard's tables, and as an independent computation
from the stored double (its exact decimal value times 100, rounded half up to a whole number).

For every row of marts.fct_outcome_scores and marts.fct_question_scores. The report writes an
interval after its score as '(72–88)', the dashboard as '72–88%': the numbers are compared. The
CSV tables beside the report carry the same ends to one decimal (ci_low_pct), checked the same way.
"""

from __future__ import annotations

import csv
import re
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser

import pytest

from dashboards import data
from flows.config import paths
from flows.reporting import html as report_html

OUTCOMES = (1, 2, 3, 4, 5)
SCORE_CELL = re.compile(r"^(?:–|\d+%)(?: \((\d+)–(\d+)\))?$")
DASHBOARD_INTERVAL = re.compile(r"^(\d+)–(\d+)%$")

Ends = tuple[int, int] | None


def independent(low, high) -> Ends:
    """The interval as whole percentages, worked out without flows.core.figures."""
    if low is None or high is None:
        return None
    return tuple(int((Decimal(value) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)) for value in (low, high))


def independent_one_decimal(value) -> str:
    return "" if value is None else str((Decimal(value) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def report_ends(text: str) -> Ends:
    """'79% (72–85)' -> (72, 85); '79%' -> None."""
    match = SCORE_CELL.match(text)
    assert match, f"not a score as the report writes it: {text!r}"
    return None if match.group(1) is None else (int(match.group(1)), int(match.group(2)))


def dashboard_ends(text: str) -> Ends:
    """'72–85%' -> (72, 85); '–' -> None."""
    if text == "–":
        return None
    match = DASHBOARD_INTERVAL.match(text)
    assert match, f"not an interval as the dashboard writes it: {text!r}"
    return int(match.group(1)), int(match.group(2))


class Tables(HTMLParser):
    """Every <table> of a page as rows of cell texts (header row first)."""

    def __init__(self, page: str):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, text):
        if self._cell is not None:
            self._cell.append(text)

    def headed(self, first_header: str, second_header: str) -> list[list[str]]:
        found = [t for t in self.tables if t and t[0][:2] == [first_header, second_header]]
        assert len(found) == 1, (first_header, second_header, len(found))
        return found[0][1:]


@pytest.fixture(scope="module")
def db(demo_home):
    return paths().published_db


@pytest.fixture(scope="module")
def outcome_rows(published) -> dict[tuple[str, int], tuple]:
    rows = published.execute(
        "select s.inspection_id, s.outcome_code, s.ci_low, s.ci_high, i.group_id, i.area "
        "from marts.fct_outcome_scores s join marts.dim_inspection i using (inspection_id)").fetchall()
    assert len(rows) >= 50
    return {(inspection_id, code): (low, high, group_id, area) for inspection_id, code, low, high, group_id, area in rows}


@pytest.fixture(scope="module")
def question_rows(published) -> dict[tuple[str, str], tuple]:
    rows = published.execute("select inspection_id, question_id, ci_low, ci_high from marts.fct_question_scores").fetchall()
    assert len(rows) >= 250
    return {(inspection_id, question_id): (low, high) for inspection_id, question_id, low, high in rows}


def test_the_independent_computation_is_half_up_on_the_exact_value():
    assert independent(0.725, 0.875) == (72, 88)  # 0.725 is 0.72499999999999997779...
    assert independent(0.72451, 0.625) == (72, 63)  # not 73 through 72.5; not 62 half to even
    assert independent(None, 0.5) is None


def test_every_outcome_interval_reads_the_same_in_the_score_sheets_the_report_and_the_dashboard(db, outcome_rows):
    reports = paths().reports
    shown: dict[str, dict[tuple[str, int], Ends]] = {"score sheet": {}, "group report": {}, "dashboard": {}, "dashboard history": {},
                                                      "report function": {}}
    for (inspection_id, code), (low, high, _, _) in outcome_rows.items():
        text = report_html.interval_text(low, high)  # what both the score sheet and the group report write after a score
        shown["report function"][(inspection_id, code)] = report_ends(f"1% {text}".strip())

    for inspection_id in {inspection_id for inspection_id, _ in outcome_rows}:
        summary = Tables((reports / "inspections" / f"{inspection_id}.html").read_text()).headed(
            "Outcome", "Proportion judged done well enough")
        for cells in summary:
            code = int(cells[0].split(".", 1)[0])
            shown["score sheet"][(inspection_id, code)] = report_ends(cells[1])

    areas = {(group_id, area): inspection_id for (inspection_id, _), (_, _, group_id, area) in outcome_rows.items()}
    for group_id in {group_id for group_id, _ in areas}:
        headline = Tables((reports / group_id / "index.html").read_text()).headed("Area", "Cases")
        for cells in headline:
            if cells[0].startswith("Group (cases pooled)"):
                continue
            inspection_id = areas[(group_id, cells[0])]
            for code, cell in zip(OUTCOMES, cells[2:], strict=True):
                shown["group report"][(inspection_id, code)] = report_ends(cell)
        for code in OUTCOMES:
            table = data.group_table(data.query(db, "group_areas", (group_id, code)))
            for inspection_id, cell in zip(table.Inspection, table["95% interval"], strict=True):
                shown["dashboard"][(inspection_id, code)] = dashboard_ends(cell)

    for (group_id, area) in areas:
        for code in OUTCOMES:
            history = data.query(db, "area_history", (area, code))
            current = history[history.is_current.astype(bool)]
            for inspection_id, cell in zip(current.inspection_id, data.history_table(current)["95% interval"], strict=True):
                shown["dashboard history"][(inspection_id, code)] = dashboard_ends(cell)

    expected = {key: independent(low, high) for key, (low, high, _, _) in outcome_rows.items()}
    assert sum(ends is not None for ends in expected.values()) >= 50
    for where, intervals in shown.items():
        assert set(intervals) == set(expected), f"{where} does not show every published outcome score"
        differing = {key: (intervals[key], expected[key]) for key in expected if intervals[key] != expected[key]}
        assert differing == {}, f"{where} reads these intervals differently from the exact computation"


def test_every_question_interval_reads_the_same_in_the_score_sheets_and_the_dashboard(db, question_rows):
    reports = paths().reports
    sheet: dict[tuple[str, str], Ends] = {}
    dashboard: dict[tuple[str, str], Ends] = {}
    for inspection_id in {inspection_id for inspection_id, _ in question_rows}:
        questions = Tables((reports / "inspections" / f"{inspection_id}.html").read_text()).headed("Question", "Sufficient / relevant")
        for cells in questions:
            sheet[(inspection_id, cells[0].split()[0])] = report_ends(cells[3])
        for code in OUTCOMES:
            table = data.drilldown_table(data.query(db, "question_drilldown", (inspection_id, code)))
            for question_id, cell in zip(table.Question, table["95% interval"], strict=True):
                ends = dashboard_ends(cell)
                # a question counting towards two outcomes is shown under both: the same both times
                assert dashboard.setdefault((inspection_id, question_id), ends) == ends
    expected = {key: independent(low, high) for key, (low, high) in question_rows.items()}
    assert sum(ends is not None for ends in expected.values()) >= 250
    for where, intervals in (("score sheet", sheet), ("dashboard", dashboard)):
        assert set(intervals) == set(expected), f"the {where} does not show every published question score"
        differing = {key: (intervals[key], expected[key]) for key in expected if intervals[key] != expected[key]}
        assert differing == {}, f"the {where} reads these intervals differently from the exact computation"
    assert {key: report_ends(f"1% {report_html.interval_text(low, high)}".strip()) for key, (low, high) in question_rows.items()} == expected


def test_the_report_tables_carry_the_interval_ends_rounded_half_up_once(published, outcome_rows, question_rows):
    reports = paths().reports
    for group_id in {group_id for _, _, group_id, _ in outcome_rows.values()}:
        tables = reports / group_id / "tables"
        with (tables / "headline_scores.csv").open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                low, high, _, _ = outcome_rows[(row["inspection_id"], int(row["outcome_code"]))]
                assert (row["ci_low_pct"], row["ci_high_pct"]) == (independent_one_decimal(low), independent_one_decimal(high)), row
        with (tables / "question_scores.csv").open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                low, high = question_rows[(row["inspection_id"], row["question_id"])]
                assert (row["ci_low_pct"], row["ci_high_pct"]) == (independent_one_decimal(low), independent_one_decimal(high)), row
