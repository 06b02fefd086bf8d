"""The long-lived worker: runs the platform's deployments in this process, one run at a time.

`flow.serve()` would start a fresh interpreter for every run and pay the Prefect, GX and dbt
imports (about 16 s) each time; this process imports them once, polls the server for runs of
its deployments (created by event triggers, schedules or the UI) and runs each in-process
through Prefect's flow engine, so the server records them as usual. Runs are taken one at a
time in the order they were scheduled: the warehouse has one writer anyway.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from uuid import UUID

from prefect import Flow

from flows.config import Paths

log = logging.getLogger("iaow.worker")
POLL_SECONDS = 0.5


async def run_one(flow: Flow, flow_run) -> None:
    from prefect.flow_engine import run_flow_async

    log.info("running %s (%s)", flow_run.name, flow_run.id)
    # The engine records every state on the server; a failing run ends Failed, the worker goes on.
    state = await run_flow_async(flow, flow_run=flow_run, parameters=flow_run.parameters, return_type="state")
    log.info("%s finished: %s %s", flow_run.name, state.name, state.message or "")


async def due_runs(client, deployments: dict[UUID, Flow]) -> list:
    runs = await client.get_scheduled_flow_runs_for_deployments(
        list(deployments), scheduled_before=dt.datetime.now(dt.timezone.utc)
    )
    return sorted(runs, key=lambda run: (run.next_scheduled_start_time or run.expected_start_time, run.created))


def warm_up() -> None:
    """Pay the heavy imports now, not in the first return's run."""
    import dbt.cli.main  # noqa: F401
    import great_expectations  # noqa: F401

    import flows.pipeline.ingest  # noqa: F401
    import flows.sources.validation  # noqa: F401


async def serve_in_process(p: Paths, stop: Callable[[], bool], poll_seconds: float = POLL_SECONDS) -> None:
    from prefect.client.orchestration import get_client

    from flows.pipeline.deployments import apply_deployments

    warm_up()
    deployments = await apply_deployments(p)
    log.info("serving %d deployments for %s", len(deployments), p.home)
    (p.run / "worker.ready").write_text(dt.datetime.now(dt.timezone.utc).isoformat())
    async with get_client() as client:
        while not stop():
            try:
                for flow_run in await due_runs(client, deployments):
                    if stop():
                        break
                    await run_one(deployments[flow_run.deployment_id], flow_run)
            except Exception:  # one failing poll or run must not stop the service
                log.exception("worker loop")
            await asyncio.sleep(poll_seconds)
