"""Weekly maintenance: prune the Prefect history past its retention period.

Flow runs of this data directory (tagged `home-<id>`, as its deployments and `iaow` commands tag
them), with their task runs, logs and artifacts, older than the retention period are deleted
through the API; the server trims its own events past PREFECT_SERVER_EVENTS_RETENTION_PERIOD,
which `iaow up` sets to the same period. Nothing of the platform's own data (archive,
warehouse, quarantine) is touched.
"""

from __future__ import annotations

import datetime as dt

from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId, FlowRunFilterStartTime, FlowRunFilterTags
from prefect.runtime import flow_run
from prefect.states import Completed

from flows.config import SETTINGS, paths

DEFAULT_RETENTION_DAYS = int(SETTINGS["IAOW_RETENTION_DAYS"].default)


@flow(name="prune-prefect-history", log_prints=False)
async def prune_prefect_history(retention_days: int = DEFAULT_RETENTION_DAYS):
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
    return Completed(message=f"deleted {deleted} flow run(s) started before {cutoff:%Y-%m-%d}", data=deleted)
