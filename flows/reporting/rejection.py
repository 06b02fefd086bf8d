"""Rejected returns: a copy in quarantine/ with a readable report that holds no row data.

quarantine/<return name>/<sha256[:12]>/ holds the return's files (for the research team to
inspect and fix), report.md and report.html. Reports name files, rows, columns and rules;
never a cell's value, since returns carry personal data and reports travel further.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from flows.findings import Finding
from flows.validate import SuiteOutcome


@dataclass(frozen=True)
class RejectionReport:
    return_name: str
    return_sha256: str
    received_at: dt.datetime
    findings: list[Finding]
    suites: list[SuiteOutcome]

    @property
    def title(self) -> str:
        return f"Validation report: {self.return_name} rejected"


def render_markdown(report: RejectionReport) -> str:
    lines = [
        f"# {report.title}",
        "",
        f"- Return: `{report.return_name}` (content hash `{report.return_sha256}`)",
        f"- Received: {report.received_at.isoformat(timespec='seconds')}",
        f"- Problems: {len(report.findings)}. Nothing from this return was published; the published warehouse is unchanged.",
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
        "Correct the files named above and send the whole return again: write the folder, then the",
        "empty `_READY` file last (or save the workbook under its final name). Row numbers count the",
        "header as row 1, as a spreadsheet does. This report shows no cell values on purpose.",
        "",
    ]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def suites_markdown(suites: list[SuiteOutcome]) -> list[str]:
    """The checks that ran, as a Markdown table (rejection reports and published-run artifacts)."""
    return [
        "| Suite | File | Expectations | Failed |",
        "|---|---|---|---|",
        *[f"| {s.suite} | {_cell(s.source)} | {s.evaluated} | {s.failed} |" for s in suites],
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
</style></head><body>
<h1>{html.escape(report.title)}</h1>
<p class="summary">Return <code>{html.escape(report.return_name)}</code> (content hash <code>{report.return_sha256}</code>),
received {report.received_at.isoformat(timespec='seconds')}: <strong>{len(report.findings)} problem(s)</strong>.
Nothing from this return was published; the published warehouse is unchanged.</p>
<h2>Problems</h2>
<table><tr><th>#</th><th>Where</th><th>Rule</th><th>Detail</th></tr>
{rows}
</table>
{suites_block}
<h2>What to do</h2>
<p>Correct the files named above and send the whole return again: write the folder, then the empty
<code>_READY</code> file last (or save the workbook under its final name). Row numbers count the header as
row 1, as a spreadsheet does. This report shows no cell values on purpose.</p>
</body></html>
"""


def quarantine_return(report: RejectionReport, files: list[Path], quarantine_root: Path) -> Path:
    """Write the rejected return and its report; a resubmitted identical return reuses its folder."""
    folder = quarantine_root / report.return_name / report.return_sha256[:12]
    folder.mkdir(parents=True, exist_ok=True)
    for path in files:
        target = folder / "return" / path.name
        target.parent.mkdir(exist_ok=True)
        if not target.exists():
            shutil.copyfile(path, target)
    (folder / "report.md").write_text(render_markdown(report))
    (folder / "report.html").write_text(render_html(report))
    # what `iaow status` says of the return: when, how many problems, the first (no cell values)
    first = report.findings[0] if report.findings else None
    (folder / "summary.json").write_text(json.dumps({
        "return_sha256": report.return_sha256,
        "received_at": report.received_at.isoformat(),
        "problems": len(report.findings),
        "first_problem": f"{first.location}: {first.rule}" if first else "",
    }))
    return folder
