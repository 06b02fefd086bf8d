"""The long-lived worker: runs the platform's deployments in this process, one run at a time.

Several workers (on several machines sharing the data directory) may serve one programme:
- a worker claims a run by moving it to Pending on the server before running it; the server
  accepts that for one worker only, so no run is executed twice;
- every run sends Prefect's flow-run heartbeats (PREFECT_FLOWS_HEARTBEAT_FREQUENCY, every 30 s,
  set by flows.config.prepare_environment), and the automation `crash-unresponsive-runs-<home>` (flows.pipeline.deployments)
  marks a run whose heartbeats stop for UNRESPONSIVE_AFTER_S Crashed: its worker died;
- every worker looks for such crashed runs of its deployments and runs each once more (a new
  run of the same deployment and parameters, with an idempotency key, so two workers create one);
  the input's content hash makes a publication that already happened "unchanged".

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
import os
import socket
import time
from collections.abc import Callable
from uuid import UUID

from prefect import Flow

from flows.config import FLOW_HEARTBEAT_S, Paths

log = logging.getLogger("iaow.worker")
POLL_SECONDS = 0.5


UNRESPONSIVE_AFTER_S = 3 * FLOW_HEARTBEAT_S  # three missed heartbeats: 90 s
RECONCILE_EVERY_S = 10.0
RERUN_TAG = "rerun-after-crash"
CRASHED_LOOKBACK = dt.timedelta(days=1)


async def claim(client, flow_run) -> bool:
    """Move the run to Pending: True if this worker got it (another worker may have)."""
    from prefect.client.schemas.responses import SetStateStatus
    from prefect.states import Pending

    # The message says which worker took it (shown in the UI's state history).
    result = await client.set_flow_run_state(flow_run.id, Pending(message=f"claimed by {socket.gethostname()} pid {os.getpid()}"))
    return result.status == SetStateStatus.ACCEPT


async def rerun_crashed(client, deployments: dict[UUID, Flow]) -> list[str]:
    """A new run for each crashed run of these deployments (not itself a rerun): the work of a
    worker that died. The idempotency key makes it one run whichever workers ask."""
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterDeploymentId,
        FlowRunFilterStartTime,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    crashed = await client.read_flow_runs(flow_run_filter=FlowRunFilter(
        deployment_id=FlowRunFilterDeploymentId(any_=list(deployments)),
        state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.CRASHED])),
        start_time=FlowRunFilterStartTime(after_=dt.datetime.now(dt.timezone.utc) - CRASHED_LOOKBACK),
    ))
    created = []
    for run in crashed:
        if RERUN_TAG in (run.tags or []):
            continue  # a rerun that crashed too is left to people: it may crash every time
        rerun = await client.create_flow_run_from_deployment(
            run.deployment_id, parameters=run.parameters, tags=[*(run.tags or []), RERUN_TAG],
            idempotency_key=f"rerun-of-{run.id}")
        if rerun.state is not None and rerun.state.is_scheduled() and rerun.id not in created:
            created.append(str(rerun.id))
            log.warning("%s (%s) crashed: its worker stopped answering; run again as %s", run.name, run.id, rerun.id)
    return created


async def run_one(flow: Flow, flow_run) -> None:
    from prefect.flow_engine import run_flow_async

    # The run is named by the flow once it starts; until then it has a generated name only.
    log.info("running %s, run %s (%s)", flow.name, flow_run.name, flow_run.id)
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

    from flows.pipeline.deployments import apply_deployments, apply_unresponsive_runs_automation

    warm_up()
    deployments = await apply_deployments(p)
    await apply_unresponsive_runs_automation(p, UNRESPONSIVE_AFTER_S)
    log.info("serving %d deployments for %s", len(deployments), p.home)
    (p.run / "worker.ready").write_text(dt.datetime.now(dt.timezone.utc).isoformat())
    reconciled = 0.0
    async with get_client() as client:
        while not stop():
            try:
                if time.monotonic() - reconciled > RECONCILE_EVERY_S:
                    reconciled = time.monotonic()
                    await rerun_crashed(client, deployments)
                for flow_run in await due_runs(client, deployments):
                    if stop():
                        break
                    if await claim(client, flow_run):
                        claimed = await client.read_flow_run(flow_run.id)  # now Pending: the engine starts it
                        await run_one(deployments[claimed.deployment_id], claimed)
            except Exception:  # one failing poll or run must not stop the service
                log.exception("worker loop")
            await asyncio.sleep(poll_seconds)
