"""Rebuild from the archive: the private and published warehouses made again from the archived
returns and deliveries alone, in one publication.

The archive is the platform's system of record. Every input it holds is read again from its
archived copy, in the order it was first received, and checked as when it arrived: what passes
is loaded (a later version of an inspection replacing an earlier one, as it did then), what was
rejected then is left out again. Nothing is quarantined or announced again. The one publication
starts from an empty warehouse, so `fct_outcome_scores_history` afterwards holds the current
version of each inspection's scores, not the versions in between.

Use it after a lost or corrupted warehouse, or when a methodology seed changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed

from flows.config import Paths, paths
from flows.pipeline.events import owe_artifact
from flows.pipeline.examine import Examined, examine_all, examine_archived
from flows.pipeline.progress import progress
from flows.pipeline.ingest import Checked, commit_and_publish, dbt_build_and_test, finish_interrupted_publication, load_raw_zone
from flows.sources.registry import KINDS
from flows.storage.archive import archived_inputs
from flows.storage.publication import Owed
from flows.storage.raw_zone import new_publication
from flows.storage.writer import writer_slot

REBUILD_REASON = "rebuild"  # raw.publications.reason


@dataclass
class RebuildOutcome:
    publication_id: str | None = None
    loaded: list[str] = field(default_factory=list)  # "<kind> <id> (<sha256[:12]>)", in order
    left_out: list[str] = field(default_factory=list)  # archived inputs that do not pass their checks

    @property
    def summary(self) -> str:
        text = (f"rebuilt from the archive in one publication ({self.publication_id}): "
                f"{len(self.loaded)} inputs loaded")
        if self.left_out:
            text += f", {len(self.left_out)} left out as rejected when received"
        return text


@task(name="check-archived-inputs", cache_policy=NO_CACHE)
def check_archived_inputs(p: Paths) -> tuple[list[Checked], list[str]]:
    """Every archived input read and checked again (the GX suites, as when it arrived), oldest
    first: those that pass, and the names of those that do not. Many are examined in several
    processes (flows.pipeline.examine)."""
    archived = sorted(((a, kind) for kind in KINDS for a in archived_inputs(p.archive, kind.landing_folder)),
                      key=lambda pair: (pair[0].received_at, pair[0].sha256))

    def said(examined: Examined) -> None:
        if examined.ok:
            progress().input_checked(named(examined), "checked")
        else:
            progress().input_checked(named(examined), "left out", "rejected when received")

    examined = examine_all(examine_archived, [(kind.name, item) for item, kind in archived], p, said)
    checked = [Checked(e.kind, e.source, e.archived, e.parsed, e.validation) for e in examined if e.ok]
    return checked, [named(e) for e in examined if not e.ok]


def named(item: Examined | Checked) -> str:
    """How the rebuild names an input: "<kind> <name> (<sha256[:12]>)"."""
    return f"{item.kind.name} {item.source.name} ({item.archived.sha256[:12]})"


@flow(name="rebuild-from-archive", log_prints=False)
async def rebuild_from_archive() -> RebuildOutcome:
    """The private and published warehouses from the archive alone, in one publication."""
    p = paths()
    outcome = RebuildOutcome()
    checked, outcome.left_out = check_archived_inputs(p)
    async with writer_slot(p):
        finish_interrupted_publication(p)
        publication = new_publication(None, None, REBUILD_REASON)
        prepared, conflicts = load_raw_zone(checked, publication, p, empty=True)
        outcome.left_out += [named(checked[n]) for n in sorted(conflicts)]
        outcome.loaded = [named(c) for n, c in enumerate(checked) if n not in conflicts]
        with progress().step(f"warehouse build and tests ({len(outcome.loaded)} inputs)"):
            dbt_build_and_test(prepared, p)
        outcome.publication_id = publication.publication_id
        artifact = owe_artifact(
            "rebuild-from-archive",
            "\n".join([f"# Rebuilt from the archive: `{publication.publication_id}`", "",
                       f"{len(outcome.loaded)} inputs loaded, {len(outcome.left_out)} left out as rejected when received."]),
            "Rebuild of the warehouses from the archive",
        )
        with progress().step("commit and publish"):
            delivered = commit_and_publish(prepared, [Owed(**artifact)], p)
    for item in delivered.left:
        get_run_logger().warning("left for the next run: %s (%s)", item.label, item.error)
    return Completed(message=outcome.summary, data=outcome)
