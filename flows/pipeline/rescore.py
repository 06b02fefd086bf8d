"""The rescore of every published inspection under the current methodology seeds: nightly, and
on demand from the Prefect UI. It runs the publication protocol like any input: a dry run
(report what would change) discards its scratch copy; with publish_changes it completes."""

from __future__ import annotations

from dataclasses import dataclass, field

from prefect import flow, task
from prefect.artifacts import acreate_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed

from flows.config import Paths, paths
from flows.core import events
from flows.pipeline.events import owe_artifact, owe_event
from flows.pipeline.publishing import publisher, recover
from flows.storage.publication import Owed, Prepared
from flows.storage.raw_zone import new_publication
from flows.storage.warehouse import WarehouseState
from flows.storage.writer import writer_slot

SCORE_QUERY = "select inspection_id, outcome_code, score_pct from marts.fct_outcome_scores"


@dataclass
class Rescore:
    changes: list[tuple[str, int, int | None, int | None]] = field(default_factory=list)  # id, outcome, old, new
    published: bool = False
    publication_id: str | None = None
    left: list[str] = field(default_factory=list)


def score_changes(before: list[tuple], after: list[tuple]) -> list[tuple[str, int, int | None, int | None]]:
    """(inspection, outcome, published percentage, rescored percentage) for every difference."""
    old = {(i, o): pct for i, o, pct in before}
    new = {(i, o): pct for i, o, pct in after}
    return sorted((i, o, old.get((i, o)), new.get((i, o))) for i, o in old.keys() | new.keys() if old.get((i, o)) != new.get((i, o)))


def rescored_announcements(built: WarehouseState, changes: list[tuple], publication_id: str) -> list[Owed]:
    """iaow.scores.published for every inspection whose published scores the rescore changes."""
    owed = []
    for inspection_id in sorted({change[0] for change in changes}):
        rows = built.rows(
            "select s.outcome_code, s.score_pct, i.group_id, i.return_sha256 from marts.fct_outcome_scores s "
            "join marts.dim_inspection i using (inspection_id) where inspection_id = ? order by s.outcome_code", [inspection_id])
        if not rows:
            continue
        group_id, sha256 = rows[0][2], rows[0][3]
        owed.append(Owed(**owe_event(events.EventRecord(
            events.SCORES_PUBLISHED,
            events.inspection_resource(inspection_id),
            {"publication_id": publication_id, "return_sha256": sha256, "inspection_id": inspection_id, "group_id": group_id,
             "reason": "rescore", "scores": {str(code): pct for code, pct, *_ in rows}},
            [events.group_resource(group_id)],
        ))))
    return owed


@task(name="rescore-into-scratch", cache_policy=NO_CACHE)
def rescore_into_scratch(p: Paths) -> tuple[Prepared, list[tuple[str, int, int | None, int | None]]]:
    """Rebuild every mart from the raw zone under today's methodology seeds, in a scratch copy."""
    run = publisher(p)
    prepared = run.stage_and_load(new_publication(None, None, "rescore"))
    run.build(prepared)
    return prepared, score_changes(WarehouseState(p.private_db).rows(SCORE_QUERY), prepared.state().rows(SCORE_QUERY))


@task(name="commit-and-publish-rescore", cache_policy=NO_CACHE)
def commit_and_publish_rescore(p: Paths, prepared: Prepared, owed: list[Owed]) -> list[str]:
    delivered = publisher(p).complete(prepared, owed)
    return [f"{item.label} ({item.error})" for item in delivered.left]


def _markdown(result: Rescore) -> str:
    lines = ["# Rescore of every published inspection", ""]
    if result.changes:
        lines += ["| Inspection | Outcome | Published | Rescored |", "|---|---|---|---|"]
        lines += [f"| {i} | {o} | {old}% | {new}% |" for i, o, old, new in result.changes]
        published = f"Published (publication `{result.publication_id}`)."
        lines += ["", published if result.published else "Not published: run with publish_changes to publish."]
    else:
        lines.append("No published score would change.")
    return "\n".join(lines)


@flow(name="rescore-programme", log_prints=False)
async def rescore_programme(publish_changes: bool = False):
    """Score every published inspection again under the current methodology and report what would
    change; with publish_changes, publish the new scores (history keeps the old ones)."""
    p = paths()
    result = Rescore()
    if not p.private_db.exists():
        return Completed(message="nothing published yet", data=result)
    async with writer_slot(p):
        recover(p)
        prepared, result.changes = rescore_into_scratch(p)
        result.publication_id = prepared.publication.publication_id
        if result.changes and publish_changes:
            result.published = True
            owed = [*rescored_announcements(prepared.state(), result.changes, result.publication_id),
                    Owed(**owe_artifact("rescore-programme", _markdown(result), "Scores the rescore changed and published"))]
            result.left = commit_and_publish_rescore(p, prepared, owed)
        else:
            publisher(p).discard(prepared)
    if not result.published:
        await acreate_markdown_artifact(key="rescore-programme", markdown=_markdown(result), description="Scores a rescore would change")
    verb = "changed and published" if result.published else "would change"
    message = f"{len(result.changes)} outcome score(s) {verb}"
    if result.left:
        message += f"; not yet done, left for the next run: {'; '.join(result.left)}"
    return Completed(message=message, data=result)
