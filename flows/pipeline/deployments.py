"""The platform's deployments: what the worker runs, on which event or schedule.

Each is visible and runnable in the Prefect UI. Names carry the data directory's id
(Paths.home_id) and the event triggers match on it, so two data directories sharing one server
(a developer's and the tests') never run each other's work.

| deployment                        | flow                  | runs on                                   |
|-----------------------------------|-----------------------|-------------------------------------------|
| ingest-return/on-landed-ID        | ingest-return         | iaow.return.landed (the landing watcher)  |
| ingest-survey/on-survey-landed-ID | ingest-survey         | iaow.survey.landed (the landing watcher)  |
| group-report/on-completed-ID      | group-report          | iaow.group.completed; on demand           |
| score-sheets/on-published-ID      | score-sheets          | iaow.scores.published; on demand          |
| rescore-programme/nightly-ID      | rescore-programme     | IAOW_RESCORE_CRON (02:30 daily); on demand|
| prune-prefect-history/weekly-ID   | prune-prefect-history | IAOW_MAINTENANCE_CRON (Sunday 04:00)      |
| publish-due-releases/calendar-ID  | publish-due-releases  | IAOW_RELEASE_CRON (each quarter hour): builds the releases of `releases/calendar.csv` whose time has come |
| publish-release/by-hand-ID        | publish-release       | on demand (UI); `iaow release` runs the flow itself |

One ingest deployment per input kind (flows.sources.registry.KINDS), from the kind's names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from prefect import Flow
from prefect.events import DeploymentEventTrigger

from flows.config import Paths, maintenance_cron, release_cron, rescore_cron, retention_days
from flows.core import events

TIMEZONE = "Europe/London"


@dataclass(frozen=True)
class DeploymentSpec:
    flow: Flow
    name: str
    triggers: tuple[DeploymentEventTrigger, ...] = ()
    cron: str | None = None
    parameters: dict | None = None
    description: str = ""


def _on(event: str, resources: str, name: str, parameters: dict[str, str], home: str) -> DeploymentEventTrigger:
    return DeploymentEventTrigger(
        name=name,
        expect={event},
        match={"prefect.resource.id": resources, events.HOME_LABEL: home},
        parameters=parameters,
    )


def specs(p: Paths) -> list[DeploymentSpec]:
    from flows.pipeline.ingest import FLOWS
    from flows.pipeline.maintenance import prune_prefect_history
    from flows.pipeline.reactions import group_report, score_sheets
    from flows.pipeline.release import publish_due_releases, release
    from flows.pipeline.rescore import rescore_programme
    from flows.sources.registry import KINDS

    home = p.home_id
    ingests = [
        DeploymentSpec(
            FLOWS[kind.name],
            f"{kind.deployment_prefix}-{home}",
            triggers=(_on(kind.landed_event, f"iaow.{kind.name}.*", f"{kind.trigger_prefix}-{home}",
                          {"path": "{{ event.payload.path }}"}, home),),
            description=f"Validate and publish a {kind.name} {kind.noun} when the landing watcher of {p.home} announces it.",
        )
        for kind in KINDS
    ]
    return [
        *ingests,
        DeploymentSpec(
            group_report,
            f"on-completed-{home}",
            triggers=(_on(events.GROUP_COMPLETED, "iaow.group.*", f"group-completed-{home}",
                          {"group_id": "{{ event.payload.group_id }}"}, home),),
            description="Render a group's report when its last inspection is published; or run it for any group.",
        ),
        DeploymentSpec(
            score_sheets,
            f"on-published-{home}",
            triggers=(_on(events.SCORES_PUBLISHED, "iaow.inspection.*", f"scores-published-{home}",
                          {"group_id": "{{ event.payload.group_id }}"}, home),),
            description="Render the score sheets of a group when one of its inspections' scores is published.",
        ),
        DeploymentSpec(
            rescore_programme,
            f"nightly-{home}",
            cron=rescore_cron(),
            parameters={"publish_changes": False},
            description="Score every published inspection under the current methodology; report what would change.",
        ),
        DeploymentSpec(
            prune_prefect_history,
            f"weekly-{home}",
            cron=maintenance_cron(),
            parameters={"retention_days": retention_days()},
            description="Delete flow runs, their logs and artifacts older than the retention period, and quarantined inputs older than IAOW_QUARANTINE_DAYS.",
        ),
        DeploymentSpec(
            publish_due_releases,
            f"calendar-{home}",
            cron=release_cron(),
            description="Publish each statistical release of releases/calendar.csv at its time (Europe/London), "
                        "with only the inspections past their embargo; emits iaow.release.published.",
        ),
        DeploymentSpec(
            release,
            f"by-hand-{home}",
            description="Publish the statistical release of a date (as_of, default today) now.",
        ),
    ]


def unresponsive_runs_automation_name(p: Paths) -> str:
    return f"crash-unresponsive-runs-{p.home_id}"


async def apply_unresponsive_runs_automation(p: Paths, unresponsive_after_s: int) -> None:
    """Prefect's own answer to a worker that dies mid-run (its "zombie flows" automation): a run of
    this data directory whose heartbeats stop for `unresponsive_after_s` is marked Crashed. Made
    once per data directory, by the first worker to start."""
    from prefect.automations import Automation
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification

    name = unresponsive_runs_automation_name(p)
    async with get_client() as client:
        existing = await client.read_automations_by_name(name)
    if existing:
        # Kept, never recreated: a proactive trigger follows the runs whose heartbeats it has seen,
        # and a second worker starting must not make it forget a run that is about to die.
        return
    await Automation(
        name=name,
        description="Marks a flow run of this data directory Crashed when its heartbeats stop: its worker died.",
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect={"prefect.flow-run.heartbeat", "prefect.flow-run.Completed", "prefect.flow-run.Failed",
                    "prefect.flow-run.Cancelled", "prefect.flow-run.Crashed"},
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            match_related=ResourceSpecification({"prefect.resource.id": [f"prefect.tag.home-{p.home_id}"]}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=unresponsive_after_s),
        ),
        actions=[ChangeFlowRunState(state=StateType.CRASHED,
                                    message=f"no heartbeat for {unresponsive_after_s} s: its worker stopped")],
    ).acreate()


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
