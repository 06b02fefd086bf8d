"""The HTML every page of the reports shares: the style sheet, the page, tables, banners, and the
way a score and its interval are written.

Pages are self-contained (inline CSS, inline SVG, no script, nothing fetched at view time), so
they read offline and print to PDF as they show. Every figure in them is written by
`flows.core.figures`.
"""

from __future__ import annotations

import re
from html import escape, unescape
from pathlib import Path
from typing import Any

from flows.core import figures
from flows.storage.files import write_published

STYLE = """
:root{--ink:#1b1b1b;--muted:#5a5a5a;--rule:#c8c8c8}
body{font-family:system-ui,"DejaVu Sans",sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:var(--ink);line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:2px solid var(--ink);padding-bottom:.2rem}
h3{margin-top:1.4rem}.meta{color:var(--muted)}
table{border-collapse:collapse;margin:.8rem 0;font-size:.92rem}th,td{border:1px solid var(--rule);padding:.25rem .5rem;text-align:right;vertical-align:top}
th{background:#f2f2f2}th:first-child,td:first-child,td.text,th.text{text-align:left}
.banner{padding:.6rem 1rem;margin:1rem 0;border-radius:4px}
.provisional{background:#fff3cd;border:2px solid #d9a400}.synthetic{background:#f8d7da;border:2px solid #b02a37}
.ci{color:var(--muted);font-size:.85em}.withheld{color:var(--muted);font-style:italic}
svg.chart{max-width:100%;height:auto;display:block;margin:.6rem 0 1rem}
nav ol{columns:2}.findings li{margin:.3rem 0}.downloads li{margin:.2rem 0}
nav a,.downloads a{display:inline-block;padding:.25rem 0;min-height:24px}
.flag{font-weight:600}.table-wrap{overflow-x:auto}.note{color:var(--muted);font-size:.9rem}
.table-wrap:focus-visible,a:focus-visible{outline:3px solid #1d70b8;outline-offset:2px}
@page{size:A4;margin:14mm 12mm}
@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-before:page}h2.keep{break-before:auto}
  nav,.screen-only{display:none}svg.chart,table{break-inside:avoid}table{font-size:8pt}a{color:inherit;text-decoration:none}}
"""


def page(title: str, body: list[str]) -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body><main>{''.join(body)}</main></body></html>\n"
    )


def table(headers: list[str], rows: list[list[str]], text_columns: int = 1, label: str | None = None) -> str:
    """A table of markup cells; the first `text_columns` columns are text (left-aligned), the rest figures.

    A table wider than the page scrolls sideways inside its wrapper, so the wrapper is a named
    region a keyboard can reach (tabindex 0) and scroll with the arrow keys (WCAG 2.1.1): `label`
    (plain text) names it for a screen reader; without one, the headers do."""
    name = label or "Table: " + ", ".join(_plain(h) for h in headers if _plain(h))
    head = "".join(f"<th class='text'>{h}</th>" if i < text_columns else f"<th>{h}</th>" for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f"<td class='text'>{c}</td>" if i < text_columns else f"<td>{c}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    return (f"<div class='table-wrap' role='region' tabindex='0' aria-label='{escape(name, quote=True)}'>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def _plain(markup: str) -> str:
    """The text of a header cell's markup (tags dropped, entities read), for a table's name."""
    return unescape(re.sub(r"<[^>]*>", "", markup)).strip()


def synthetic_banner() -> str:
    return (
        "<div class='banner synthetic' role='note'><strong>Synthetic data.</strong> This is the platform's demonstration "
        "programme: the areas' figures are generated, not inspection findings.</div>"
    )


def provisional_banner(n_published: int, group_size: int) -> str:
    return (
        f"<div class='banner provisional' role='note'><strong>Provisional:</strong> {figures.count(n_published)} of "
        f"{figures.count(group_size)} inspections of this group are published. Scores, comparisons and findings will "
        "change as the rest arrive.</div>"
    )


def interval_text(low: Any, high: Any) -> str:
    """A 95% interval as the reports write it after a score: '(72–88)'; '' when there is none."""
    shown = figures.interval(low, high, unit="")
    return "" if shown == figures.MISSING else f"({shown})"


def interval_note(low: Any, high: Any) -> str:
    """The interval as markup after a score: " <span class='ci'>(72–88)</span>"; '' when there is none."""
    text = interval_text(low, high)
    return f" <span class='ci'>{text}</span>" if text else ""


def write(target: Path, text: str) -> Path:
    """Write a page or a table beside its target and rename it over it: a reader never sees half of one.
    Readable by analysts (644, or 640 for IAOW_PUBLISHED_GROUP), in folders they can open."""
    return write_published(target, text)
