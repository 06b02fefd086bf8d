"""The platform's deployments: what the worker runs, on which event or schedule.

Each is visible and runnable in the Prefect UI. Names carry the data directory's id
(Paths.home_id) and the event triggers match on it, so two data directories sharing one server
(a developer's and the tests') never run each other's work.

| deployment                  | flow                  | runs on                                   |
|-----------------------------|-----------------------|-------------------------------------------|
| ingest-return/on-landed-ID  | ingest-return         | iaow.return.landed (the landing watcher)  |
| ingest-survey/on-survey-landed-ID | ingest-survey   | iaow.survey.landed (the landing watcher)  |
| group-report/on-completed-ID| group-report          | iaow.group.completed; on demand           |
| rescore-programme/nightly-ID| rescore-programme     | IAOW_RESCORE_CRON (02:30 daily); on demand|
| prune-prefect-history/weekly-ID | prune-prefect-history | IAOW_MAINTENANCE_CRON (Sunday 04:00)  |
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from uuid import UUID

from prefect import Flow
from prefect.events import DeploymentEventTrigger

from flows import events
from flows.config import Paths, retention_days

DEFAULT_RESCORE_CRON = "30 2 * * *"
DEFAULT_MAINTENANCE_CRON = "0 4 * * 0"
TIMEZONE = "Europe/London"


@dataclass(frozen=True)
class DeploymentSpec:
    flow: Flow
    name: str
    triggers: tuple[DeploymentEventTrigger, ...] = ()
    cron: str | None = None
    parameters: dict | None = None
    description: str = ""


def specs(p: Paths) -> list[DeploymentSpec]:
    from flows.ingest import ingest_return
    from flows.ingest_survey import ingest_survey
    from flows.maintenance import prune_prefect_history
    from flows.programme import group_report, rescore_programme

    home = p.home_id
    own = {events.HOME_LABEL: home}
    return [
        DeploymentSpec(
            ingest_return,
            f"on-landed-{home}",
            triggers=(
                DeploymentEventTrigger(
                    name=f"return-landed-{home}",
                    expect={events.RETURN_LANDED},
                    match={"prefect.resource.id": "iaow.inspection.*", **own},
                    parameters={"path": "{{ event.payload.path }}"},
                ),
            ),
            description=f"Validate and publish a return when the landing watcher of {p.home} announces it.",
        ),
        DeploymentSpec(
            ingest_survey,
            f"on-survey-landed-{home}",
            triggers=(
                DeploymentEventTrigger(
                    name=f"survey-landed-{home}",
                    expect={events.SURVEY_LANDED},
                    match={"prefect.resource.id": "iaow.survey.*", **own},
                    parameters={"path": "{{ event.payload.path }}"},
                ),
            ),
            description=f"Validate and publish an offender survey delivery when the landing watcher of {p.home} announces it.",
        ),
        DeploymentSpec(
            group_report,
            f"on-completed-{home}",
            triggers=(
                DeploymentEventTrigger(
                    name=f"group-completed-{home}",
                    expect={events.GROUP_COMPLETED},
                    match={"prefect.resource.id": "iaow.group.*", **own},
                    parameters={"group_id": "{{ event.payload.group_id }}"},
                ),
            ),
            description="Render a group's report when its sixth inspection is published; or run it for any group.",
        ),
        DeploymentSpec(
            rescore_programme,
            f"nightly-{home}",
            cron=os.environ.get("IAOW_RESCORE_CRON", DEFAULT_RESCORE_CRON),
            parameters={"publish_changes": False},
            description="Score every published inspection under the current methodology; report what would change.",
        ),
        DeploymentSpec(
            prune_prefect_history,
            f"weekly-{home}",
            cron=os.environ.get("IAOW_MAINTENANCE_CRON", DEFAULT_MAINTENANCE_CRON),
            parameters={"retention_days": retention_days()},
            description="Delete flow runs, their logs and artifacts older than the retention period.",
        ),
    ]


async def apply_deployments(p: Paths) -> dict[UUID, Flow]:
    """Create or update every deployment (and its triggers) on the server: deployment id -> flow."""
    from prefect.client.schemas.schedules import CronSchedule

    applied: dict[UUID, Flow] = {}
    for spec in specs(p):
        deployment = await spec.flow.to_deployment(
            name=spec.name,
            triggers=list(spec.triggers),
            schedules=[CronSchedule(cron=spec.cron, timezone=TIMEZONE)] if spec.cron else None,
            parameters=spec.parameters or {},
            description=spec.description,
            tags=["iaow", f"home-{p.home_id}"],
        )
        applied[await deployment.apply()] = spec.flow
    return applied
