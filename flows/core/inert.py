"""Text from inputs made inert before it reaches another tool: a spreadsheet opening a CSV the
platform wrote, or a Markdown renderer (the dashboard, Prefect's artifacts, a report.md).

Text that arrives in a return or a delivery (an area, a group's theme, a file or column name) is
data. Two tools would read some of it as instructions:

- a spreadsheet reads a cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return
  before one) as a formula: `=HYPERLINK("http://x","y")` becomes a live link, other formulas can
  fetch from the network or run commands. `spreadsheet_safe` applies OWASP's rule for CSV
  injection: such a text cell gets a leading single quote, which every spreadsheet shows as text.
  Numbers stay numbers, and so do strings that are numbers (`-1.5`).
- a Markdown renderer reads `![x](http://evil/img.png)` as an image to fetch, `[x](...)` as a
  link, `<img ...>` as HTML. `escape_markdown` backslash-escapes every character Markdown (and
  the renderers here: GitHub-flavoured tables, Streamlit's emoji shortcodes and LaTeX) gives a
  meaning to, and puts line breaks on one line, so the text renders as itself.

HTML is escaped where it is written (`html.escape` in flows/reporting/); this module is for the
two formats `html.escape` does not cover. Pure functions of their arguments.
"""

from __future__ import annotations

import re
from typing import Any

# OWASP, "CSV Injection": a cell beginning with one of these is read as a formula (tab and carriage
# return because some spreadsheets skip them before one). The full-width forms are included as well:
# some spreadsheets fold them to their ASCII form when they parse a cell.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
# What a spreadsheet shows as text, never evaluates; it is what OWASP recommends prepending.
TEXT_PREFIX = "'"
# A number written as text ("-1.5", "+3", "-2e-3"): a spreadsheet reads it as that number, not a
# formula, so it is left as it is. ASCII digits only.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")

# Markdown gives a meaning to ASCII punctuation only, and CommonMark lets a backslash escape any of
# it. These are escaped: everything but , ; ? ' " / %, which no renderer here reads as markup
# (links and autolinks cannot form without [ ] ( ) < > : . @ all being escaped).
MARKDOWN_SIGNIFICANT = "\\`*_{}[]()#+-.!|<>~$&:@=^"
_MARKDOWN_CHARACTER = re.compile("([" + re.escape(MARKDOWN_SIGNIFICANT) + "])")
# Control characters other than line breaks (splitlines handles those) and tab.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def is_number_text(text: str) -> bool:
    """True for a string that is a plain decimal number ("-1.5", "+3", "42", "1e-3")."""
    return _NUMBER.fullmatch(text) is not None


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell that no spreadsheet will evaluate: text starting with = + - @, a tab or a carriage
    return (or a full-width = + - @) gets a leading single quote. Numbers (int, float, Decimal, ...,
    bool), strings that are numbers ("-1.5"), None and anything that is not text are returned as
    they are."""
    if not isinstance(value, str) or not value:
        return value
    if value[0] not in FORMULA_TRIGGERS:
        return value
    if value[0] in "+-" and is_number_text(value):
        return value
    return TEXT_PREFIX + value


def spreadsheet_safe_row(row: Any) -> list[Any]:
    """Every cell of a row through `spreadsheet_safe`."""
    return [spreadsheet_safe(cell) for cell in row]


def escape_markdown(text: Any) -> str:
    """`text` as Markdown that renders as exactly that text, on one line: every Markdown- or
    HTML-significant character is backslash-escaped (so no link, image, HTML tag, emphasis,
    heading, list, table cell break, LaTeX or emoji shortcode can form) and line breaks become
    spaces. None is the empty string; anything else is written with str() first."""
    if text is None:
        return ""
    one_line = " ".join(str(text).splitlines())
    one_line = _CONTROL.sub(" ", one_line)
    return _MARKDOWN_CHARACTER.sub(r"\\\1", one_line)
