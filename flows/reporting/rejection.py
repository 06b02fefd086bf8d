"""The validation report of a rejected input (report.md and a self-contained report.html), which
holds no row data: reports name files, rows, columns and rules, never a cell's value, since
inputs carry personal data and reports travel further (quarantine, Prefect artifacts).

What a report does name comes partly from the sender (the input's name, its file, sheet, column
and key names), so it is escaped for the format it is written in: `inert.escape_markdown` in
report.md (also the Prefect artifact, rendered as Markdown), `html.escape` in report.html."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from flows.core.findings import Finding, SuiteOutcome
from flows.core.inert import escape_markdown


@dataclass(frozen=True)
class RejectionReport:
    return_name: str
    return_sha256: str
    received_at: dt.datetime
    findings: list[Finding]
    suites: list[SuiteOutcome]
    noun: str = "return"  # "return", "delivery": what the sender sent

    @property
    def title(self) -> str:
        return f"Validation report: {self.return_name} rejected"


def render_markdown(report: RejectionReport) -> str:
    lines = [
        f"# Validation report: {escape_markdown(report.return_name)} rejected",
        "",
        f"- {report.noun.capitalize()}: {escape_markdown(report.return_name)} "
        f"(content hash `{_hex(report.return_sha256)}`)",
        f"- Received: {report.received_at.isoformat(timespec='seconds')}",
        f"- Problems: {len(report.findings)}. Nothing from this {report.noun} was published; the published warehouse is unchanged.",
        "",
        "## Problems",
        "",
        "| # | Where | Rule | Detail |",
        "|---|---|---|---|",
    ]
    for number, finding in enumerate(report.findings, 1):
        lines.append(f"| {number} | {_cell(finding.location)} | {_cell(finding.rule)} | {_cell(finding.detail or '')} |")
    if report.suites:
        lines += ["", "## Checks run", "", *suites_markdown(report.suites)]
    lines += [
        "",
        "## What to do",
        "",
        f"Correct the files named above and send the whole {report.noun} again: write the folder, then the",
        "empty `_READY` file last (or save the workbook under its final name). Row numbers count the",
        "header as row 1, as a spreadsheet does. This report shows no cell values on purpose.",
        "",
    ]
    return "\n".join(lines)


def _cell(text: str) -> str:
    """A table cell that renders as its text: nothing in it can end the cell or form a link,
    an image or HTML."""
    return escape_markdown(text)


def _hex(text: str) -> str:
    """A content hash, which the platform computed: hex digits only, so safe in a code span."""
    return "".join(c for c in text if c in "0123456789abcdefABCDEF")


def suites_markdown(suites: list[SuiteOutcome]) -> list[str]:
    """The checks that ran, as a Markdown table (rejection reports and published-run artifacts)."""
    return [
        "| Suite | File | Expectations | Failed |",
        "|---|---|---|---|",
        *[f"| {_cell(s.suite)} | {_cell(s.source)} | {int(s.evaluated)} | {int(s.failed)} |" for s in suites],
    ]


def render_html(report: RejectionReport) -> str:
    """A self-contained page (no external CSS or scripts), readable offline."""
    rows = "\n".join(
        f"<tr><td>{n}</td><td>{html.escape(f.location)}</td><td>{html.escape(f.rule)}</td>"
        f"<td>{html.escape(f.detail or '')}</td></tr>"
        for n, f in enumerate(report.findings, 1)
    )
    suites = "\n".join(
        f"<tr><td>{html.escape(s.suite)}</td><td>{html.escape(s.source)}</td><td>{s.evaluated}</td><td>{s.failed}</td></tr>"
        for s in report.suites
    )
    suites_block = (
        f"<h2>Checks run</h2><table><tr><th>Suite</th><th>File</th><th>Expectations</th><th>Failed</th></tr>{suites}</table>"
        if report.suites
        else ""
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(report.title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; max-width: 70rem; color: #1b1b1b; }}
table {{ border-collapse: collapse; width: 100%; margin: 1rem 0; }}
th, td {{ border: 1px solid #b1b4b6; padding: .4rem .6rem; text-align: left; vertical-align: top; }}
th {{ background: #f3f2f1; }}
.summary {{ background: #fdf2f2; border-left: 6px solid #d4351c; padding: .8rem 1rem; }}
</style></head><body><main>
<h1>{html.escape(report.title)}</h1>
<p class="summary">{report.noun.capitalize()} <code>{html.escape(report.return_name)}</code> (content hash <code>{html.escape(report.return_sha256)}</code>),
received {report.received_at.isoformat(timespec='seconds')}: <strong>{len(report.findings)} problem(s)</strong>.
Nothing from this {report.noun} was published; the published warehouse is unchanged.</p>
<h2>Problems</h2>
<table><tr><th>#</th><th>Where</th><th>Rule</th><th>Detail</th></tr>
{rows}
</table>
{suites_block}
<h2>What to do</h2>
<p>Correct the files named above and send the whole {report.noun} again: write the folder, then the empty
<code>_READY</code> file last (or save the workbook under its final name). Row numbers count the header as
row 1, as a spreadsheet does. This report shows no cell values on purpose.</p>
</main></body></html>
"""


def rejection_reports(report: RejectionReport) -> dict[str, str]:
    """The report's files, by name, for the quarantine folder."""
    return {"report.md": render_markdown(report), "report.html": render_html(report)}
