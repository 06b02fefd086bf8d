"""The platform's Prefect events (DESIGN.md, Events): automations and triggers react to these."""

from __future__ import annotations

from typing import Any

RETURN_LANDED = "iaow.return.landed"
RETURN_REJECTED = "iaow.return.rejected"
SCORES_PUBLISHED = "iaow.scores.published"
GROUP_COMPLETED = "iaow.group.completed"
REPORT_PUBLISHED = "iaow.report.published"
SURVEY_LANDED = "iaow.survey.landed"


def inspection_resource(inspection_id: str) -> dict[str, str]:
    return {"prefect.resource.id": f"iaow.inspection.{inspection_id}", "prefect.resource.name": inspection_id}


def group_resource(group_id: str) -> dict[str, str]:
    return {"prefect.resource.id": f"iaow.group.{group_id}", "prefect.resource.role": "group"}


def emit(event: str, resource: dict[str, str], payload: dict[str, Any], related: list[dict[str, str]] | None = None) -> None:
    from prefect.events import emit_event

    emit_event(event=event, resource=resource, payload=payload, related=related or [])
