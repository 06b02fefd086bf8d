"""Text from inputs made inert (flows/core/inert.py): OWASP's rule for CSV cells, and Markdown
that renders as the text it holds."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from flows.core.inert import FORMULA_TRIGGERS, MARKDOWN_SIGNIFICANT, escape_markdown, is_number_text, spreadsheet_safe

# ---------------------------------------------------------------- spreadsheet_safe


@pytest.mark.parametrize("text", [
    '=HYPERLINK("http://x","y")',
    "@SUM(1)",
    "+1+1",
    "-1+1",
    "-2-3",
    "+44 20 7946 0000",
    "-",
    "=1",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",  # full-width =
    "\uff0b1",
    "\uff0d1",
    "\uff20SUM(1)",
    "=cmd|' /C calc'!A0",
])
def test_a_formula_gets_a_leading_quote(text):
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("text", ["-1.5", "-3", "+3", "+0.25", "-.5", "-2e-3", "1e5", "42"])
def test_a_number_written_as_text_stays_as_it_is(text):
    assert is_number_text(text)
    assert spreadsheet_safe(text) == text


@pytest.mark.parametrize("value", [0, -1, 3, -1.5, float("nan"), Decimal("-2.50"), Fraction(-1, 3), True, False,
                                   np.int64(-7), np.float64(-0.5)])
def test_numbers_stay_numbers(value):
    result = spreadsheet_safe(value)
    assert result is value


@pytest.mark.parametrize("value", [None, "", "Hampshire", "Devon and Cornwall", "it's = fine inside", "'=already quoted",
                                   " =leading space", "2013-08-05", "n/a", "within limits"])
def test_other_text_and_none_are_left_alone(value):
    assert spreadsheet_safe(value) == value


def test_every_trigger_is_covered():
    assert {"=", "+", "-", "@", "\t", "\r"} <= FORMULA_TRIGGERS
    for trigger in FORMULA_TRIGGERS:
        assert spreadsheet_safe(trigger + "X").startswith("'")


def test_a_quoted_formula_round_trips_through_csv_as_text():
    buffer = io.StringIO()
    csv.writer(buffer).writerow([spreadsheet_safe('=HYPERLINK("http://x","y")'), spreadsheet_safe(-1.5), 79])
    text = buffer.getvalue()
    assert text.startswith('"\'=HYPERLINK(""http://x"",""y"")"')
    assert text.rstrip("\r\n").endswith(",-1.5,79")
    (row,) = list(csv.reader(io.StringIO(text)))
    assert row == ['\'=HYPERLINK("http://x","y")', "-1.5", "79"]


# ---------------------------------------------------------------- escape_markdown


def _unescaped(text: str, specials: str) -> list[int]:
    """Positions of characters of `specials` not preceded by an escaping backslash."""
    positions, escaped = [], False
    for index, character in enumerate(text):
        if escaped:
            escaped = False
            continue
        if character == "\\":
            escaped = True
            continue
        if character in specials:
            positions.append(index)
    return positions


@pytest.mark.parametrize("text", [
    "![x](http://evil/img.png)",
    "[click](http://evil/)",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "**bold** _it_ `code` ~~gone~~",
    "# heading",
    "- item",
    "1. item",
    "a | b | c",
    "$x^2$ :material/warning: :red[text]",
    "&lt;b&gt;",
    "back\\slash",
    '=HYPERLINK("http://x","y")',
])
def test_every_significant_character_is_escaped(text):
    escaped = escape_markdown(text)
    assert _unescaped(escaped, MARKDOWN_SIGNIFICANT) == []
    # Removing the escapes gives the text back: it renders as itself.
    assert escaped.replace("\\\\", "\0").replace("\\", "").replace("\0", "\\") == text


def test_an_image_cannot_form():
    assert escape_markdown("![x](http://evil/img.png)") == r"\!\[x\]\(http\://evil/img\.png\)"


def test_html_cannot_form():
    assert escape_markdown("<img src=x onerror=alert(1)>") == r"\<img src\=x onerror\=alert\(1\)\>"


def test_line_breaks_become_spaces():
    assert escape_markdown("Hampshire\n# heading\r\n- item\rend\u2028x") == r"Hampshire \# heading \- item end x"


def test_control_characters_become_spaces():
    assert escape_markdown("a\x00b\x1bc") == "a b c"


def test_plain_names_are_unchanged():
    for name in ("Hampshire", "Devon and Cornwall", "Placeholder Area A", "Violent offending", "it's 79%"):
        assert escape_markdown(name) == name


def test_none_is_empty_and_other_values_are_written_first():
    assert escape_markdown(None) == ""
    assert escape_markdown(-1.5) == r"\-1\.5"


@pytest.mark.parametrize("text", [
    "![x](http://evil/img.png)",
    "[a](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "<http://evil.example/>",
    "**bold** `code`",
    "a | b ![x](y)",
])
def test_rendered_by_a_commonmark_renderer_it_is_the_text_and_nothing_else(text):
    markdown_it = pytest.importorskip("markdown_it")
    renderer = markdown_it.MarkdownIt("commonmark").enable("table").enable("strikethrough")
    page = renderer.render(f"| where | what |\n|---|---|\n| {escape_markdown(text)} | x |\n\n{escape_markdown(text)}\n")
    assert "<img" not in page and "<a " not in page and "<strong>" not in page and "<code>" not in page
    assert page.count("<td>") == 2  # the cell was not split
    assert text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") in page
