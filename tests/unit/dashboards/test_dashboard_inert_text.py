"""Text from the published file stays text in the dashboard: its CSV downloads quote formulas
(OWASP's rule) and keep numbers numbers, and what it writes in Markdown (headers, captions, the
line under the title, table cells) renders as the text, never as a link, an image or HTML."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from dashboards import data

FORMULA = '=HYPERLINK("http://x","y")'
IMAGE = "![x](http://evil/img.png)"
TAG = "<img src=x onerror=alert(1)>"
APP = Path(data.__file__).with_name("app.py")


def _rows(payload: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(payload.decode("utf-8"))))


def test_a_formula_in_an_area_is_quoted_in_a_download():
    frame = pd.DataFrame({
        "inspection_id": ["hampshire-2013", "london-2014"],
        "area": [FORMULA, "London"],
        "score_pct": [79, 81],
        "difference": [-0.015, 0.02],
        "n_option": pd.array([None, 4], dtype="Int64"),
        "suppressed": [True, False],
        "note": ["@SUM(1)", "-1.5"],
        "theme": pd.Categorical(["+cmd", "Children"]),
    })
    payload = data.to_csv(frame)
    assert b"'=HYPERLINK(" in payload
    rows = _rows(payload)
    assert rows[1] == ["hampshire-2013", "'" + FORMULA, "79", "-0.015", "", "True", "'@SUM(1)", "'+cmd"]
    assert rows[2] == ["london-2014", "London", "81", "0.02", "4", "False", "-1.5", "Children"]
    # Numbers are written bare: a numeric column is never quoted.
    assert payload.decode().splitlines()[2] == "london-2014,London,81,0.02,4,False,-1.5,Children"
    # The frame the app holds is left as it was.
    assert frame.area.iloc[0] == FORMULA


def test_column_names_are_quoted_too():
    assert _rows(data.to_csv(pd.DataFrame({"=x": [1]})))[0] == ["'=x"]


def test_table_cells_are_escaped_for_markdown():
    shown = data.as_plain_text(pd.DataFrame({"Area": [IMAGE, "Hampshire"], "Cases": [85, 60]}))
    assert shown.Area.tolist() == [r"\!\[x\]\(http\://evil/img\.png\)", "Hampshire"]
    assert shown.Cases.tolist() == [85, 60]


@pytest.mark.parametrize("area, theme", [(IMAGE, TAG), (TAG, IMAGE), ("Hampshire", "Violent offending")])
def test_the_line_under_the_title_escapes_the_published_values(area, theme):
    inspection = pd.Series({"area": area, "inspection_id": "hampshire-2013", "n_cases": 85, "group_theme": theme,
                            "methodology": "iaow-2013"})
    outcome = pd.Series({"outcome_code": 1, "outcome_name": "Assessment [and] planning"})
    heading = data.page_heading(inspection, outcome)
    markdown_it = pytest.importorskip("markdown_it")
    page = markdown_it.MarkdownIt("commonmark").render(heading)
    assert "<img" not in page and "<a " not in page
    assert page.count("<strong>") == 3  # the area, the group and the outcome, as designed
    assert heading.startswith(f"**{data.escape_markdown(area)}**")


def test_file_names_are_made_of_letters_digits_and_underscores():
    assert data.file_name_part("Devon and Cornwall") == "devon_and_cornwall"
    assert data.file_name_part("../=HYPERLINK(x)") == "hyperlink_x"
    assert data.file_name_part("***") == "area"


def _markdown_calls(tree: ast.AST):
    """Calls of Streamlit elements that render their text argument as Markdown."""
    renders_markdown = {"markdown", "subheader", "header", "title", "caption", "info", "warning", "error", "success",
                        "write"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in renders_markdown:
            yield node


def test_the_app_escapes_every_published_value_it_writes_in_markdown():
    """Every value interpolated into Markdown comes through `md` (inert.escape_markdown) or is a
    figure written by flows.core.figures, a count or a number, or the file's path."""
    tree = ast.parse(APP.read_text())
    allowed_calls = {"md", "count", "published_percent", "percent", "interval", "timestamp", "group_size", "int",
                     "page_heading", "len"}
    for call in _markdown_calls(tree):
        for argument in call.args:
            for value in ast.walk(argument):
                if not isinstance(value, ast.FormattedValue):
                    continue
                inner = value.value
                if isinstance(inner, ast.Call):
                    name = inner.func.attr if isinstance(inner.func, ast.Attribute) else getattr(inner.func, "id", "")
                    assert name in allowed_calls, (call.lineno, ast.unparse(inner))
                else:
                    assert ast.unparse(inner) in {"path", "published.path", "synthetic", "code",
                                                  "'' if group.is_complete else ' (group in progress)'"}, \
                        (call.lineno, ast.unparse(inner))
