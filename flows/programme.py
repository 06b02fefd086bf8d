"""Programme-wide flows: the group report, and the rescore of every published inspection.

Both are deployments the worker runs in-process (flows/deployments.py): the report on
`iaow.group.completed` and on demand, the rescore on a schedule (nightly by default) and on
demand from the Prefect UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
from prefect import flow, task
from prefect.artifacts import acreate_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed

from flows import events
from flows.config import Paths, paths
from flows.load import new_publication, record_publication
from flows.publish import ensure_published, export_marts
from flows.reports import GroupReport, render_group_report
from flows.transform import build_warehouse
from flows.warehouse import commit_next, query, stage_next
from flows.writer import writer_slot

SCORE_QUERY = "select inspection_id, outcome_code, score_pct from marts.fct_outcome_scores"


# ------------------------------------------------------------------ group report


@task(name="render-group-report", cache_policy=NO_CACHE)
def render_report(p: Paths, group_id: str) -> GroupReport:
    return render_group_report(p, group_id)


@flow(name="group-report", flow_run_name="report-{group_id}", log_prints=False)
async def group_report(group_id: str):
    p = paths()
    report = render_report(p, group_id)
    events.emit(
        events.REPORT_PUBLISHED,
        events.group_resource(group_id),
        {"group_id": group_id, "path": str(report.path), "pdf_path": str(report.pdf_path), "n_inspections": report.n_inspections,
         "provisional": not report.is_complete},
    )
    status = "complete" if report.is_complete else f"provisional, {report.n_inspections} of 6"
    return Completed(message=f"report of {group_id} ({status}) in {report.seconds:.1f} s: {report.path}, {report.pdf_path}", data=str(report.path))


# ------------------------------------------------------------------ rescore


@dataclass
class Rescore:
    changes: list[tuple[str, int, int | None, int | None]] = field(default_factory=list)  # id, outcome, old, new
    published: bool = False
    publication_id: str | None = None


def score_changes(before: list[tuple], after: list[tuple]) -> list[tuple[str, int, int | None, int | None]]:
    """(inspection, outcome, published percentage, rescored percentage) for every difference."""
    old = {(i, o): pct for i, o, pct in before}
    new = {(i, o): pct for i, o, pct in after}
    return sorted((i, o, old.get((i, o)), new.get((i, o))) for i, o in old.keys() | new.keys() if old.get((i, o)) != new.get((i, o)))


@task(name="rescore-into-scratch", cache_policy=NO_CACHE)
def rescore_into_scratch(p: Paths) -> tuple[str, list[tuple[str, int, int | None, int | None]]]:
    """Rebuild every mart from the raw zone under today's methodology seeds, in a scratch copy."""
    database = stage_next(p)
    publication = new_publication(None, None, "rescore")
    with duckdb.connect(str(database)) as connection:
        record_publication(connection, publication)
    build_warehouse(p, database)
    return publication.publication_id, score_changes(query(p.published_db, SCORE_QUERY), query(database, SCORE_QUERY))


@task(name="commit-and-publish-rescore", cache_policy=NO_CACHE)
def commit_and_publish_rescore(p: Paths) -> None:
    commit_next(p)
    export_marts(p)


@flow(name="rescore-programme", log_prints=False)
async def rescore_programme(publish_changes: bool = False):
    """Score every published inspection again under the current methodology and report what would
    change; with publish_changes, publish the new scores (history keeps the old ones)."""
    p = paths()
    result = Rescore()
    if not p.private_db.exists():
        return Completed(message="nothing published yet", data=result)
    async with writer_slot(p):
        ensure_published(p)
        result.publication_id, result.changes = rescore_into_scratch(p)
        if result.changes and publish_changes:
            commit_and_publish_rescore(p)
            result.published = True
    lines = ["# Rescore of every published inspection", ""]
    if result.changes:
        lines += ["| Inspection | Outcome | Published | Rescored |", "|---|---|---|---|"]
        lines += [f"| {i} | {o} | {old}% | {new}% |" for i, o, old, new in result.changes]
        published = f"Published (publication `{result.publication_id}`)."
        lines += ["", published if result.published else "Not published: run with publish_changes to publish."]
    else:
        lines.append("No published score would change.")
    await acreate_markdown_artifact(key="rescore-programme", markdown="\n".join(lines), description="Scores a rescore would change")
    verb = "changed and published" if result.published else "would change"
    return Completed(message=f"{len(result.changes)} outcome score(s) {verb}", data=result)
