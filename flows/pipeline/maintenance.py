"""Weekly maintenance: prune the Prefect history past its retention period, and quarantined
inputs past theirs.

Flow runs of this data directory (tagged `home-<id>`, as its deployments and `iaow` commands tag
them), with their task runs, logs and artifacts, older than the retention period are deleted
through the API; the server trims its own events past PREFECT_SERVER_EVENTS_RETENTION_PERIOD,
which `iaow up` sets to the same period. Quarantined inputs (files as received, with personal
data, and their validation reports) rejected more than IAOW_QUARANTINE_DAYS ago are deleted
(`flows.storage.quarantine.prune_quarantine`). Nothing else of the platform's own data (archive,
warehouse) is touched.
"""

from __future__ import annotations

import datetime as dt

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId, FlowRunFilterStartTime, FlowRunFilterTags
from prefect.runtime import flow_run
from prefect.states import Completed

from flows.config import SETTINGS, paths, quarantine_days
from flows.storage.quarantine import prune_quarantine

DEFAULT_RETENTION_DAYS = int(SETTINGS["IAOW_RETENTION_DAYS"].default)


@task(name="prune-quarantine", cache_policy=NO_CACHE)
def prune_old_quarantine(days: int) -> int:
    """Delete quarantined inputs rejected more than `days` days ago; how many."""
    pruned = prune_quarantine(paths().quarantine, dt.timedelta(days=days), dt.datetime.now(dt.timezone.utc))
    inputs = sorted({item.input_id for item in pruned})
    get_run_logger().info("deleted %d quarantined input version(s) rejected more than %d days ago%s", len(pruned), days,
                          f" ({', '.join(inputs)})" if inputs else "")
    return len(pruned)


@flow(name="prune-prefect-history", log_prints=False)
async def prune_prefect_history(retention_days: int = DEFAULT_RETENTION_DAYS, quarantine_retention_days: int | None = None):
    """`quarantine_retention_days`: IAOW_QUARANTINE_DAYS when not given."""
    quarantined = prune_old_quarantine(quarantine_days() if quarantine_retention_days is None else quarantine_retention_days)
    cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=retention_days)
    old_runs = FlowRunFilter(
        start_time=FlowRunFilterStartTime(before_=cutoff),
        tags=FlowRunFilterTags(all_=[f"home-{paths().home_id}"]),
        id=FlowRunFilterId(not_any_=[flow_run.id]),  # never this run itself
    )
    deleted = 0
    async with get_client() as client:
        while True:
            old = await client.read_flow_runs(flow_run_filter=old_runs, limit=200)
            if not old:
                break
            for run in old:
                await client.delete_flow_run(run.id)
                deleted += 1
    return Completed(message=f"deleted {deleted} flow run(s) started before {cutoff:%Y-%m-%d} and "
                             f"{quarantined} quarantined input(s)", data=deleted)
