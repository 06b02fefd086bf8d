"""What follows a publication, rendered from the published file: the group report (on
`iaow.group.completed`) and the score sheets of the group (on `iaow.scores.published`).

Why reactions and not steps of the ingest flow: a publication's job ends when the published file
is swapped and announced. Readers' products are derived from that file; rendering them on the
announcement keeps a failed render (Chromium missing, say) from ever touching a publication, and
keeps HTML and PDF printing out of the writer slot. `iaow ingest` and `iaow demo`, which may run
with no worker to react, render the same products themselves once their runs are done.
"""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed

from flows.config import Paths, paths
from flows.core import events
from flows.pipeline.events import emit
from flows.reporting.group_report import GroupReport, render_group_report
from flows.reporting.score_sheets import render_group_score_sheets


@task(name="render-group-report", cache_policy=NO_CACHE)
def render_report(p: Paths, group_id: str) -> GroupReport:
    return render_group_report(p, group_id)


@flow(name="group-report", flow_run_name="report-{group_id}", log_prints=False)
async def group_report(group_id: str):
    p = paths()
    report = render_report(p, group_id)
    emit(events.EventRecord(
        events.REPORT_PUBLISHED,
        events.group_resource(group_id),
        {"group_id": group_id, "path": str(report.path), "pdf_path": str(report.pdf_path), "n_inspections": report.n_inspections,
         "provisional": not report.is_complete},
    ))
    return Completed(message=f"report of {group_id} ({report.state}) in {report.seconds:.1f} s: {report.path}, {report.pdf_path}",
                     data=str(report.path))


@flow(name="score-sheets", flow_run_name="score-sheets-{group_id}", log_prints=False)
async def score_sheets(group_id: str):
    """Every score sheet of the group: each compares its inspection with the rest of the group, so
    one publication changes them all."""
    sheets = render_group_score_sheets(paths(), group_id)
    return Completed(message=f"{len(sheets)} score sheet(s) of {group_id}", data=[str(sheet) for sheet in sheets])
