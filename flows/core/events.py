"""The platform's Prefect events (DESIGN.md, Events): automations and triggers react to these."""

from __future__ import annotations

from typing import Any

RETURN_LANDED = "iaow.return.landed"
RETURN_REJECTED = "iaow.return.rejected"
SCORES_PUBLISHED = "iaow.scores.published"
GROUP_COMPLETED = "iaow.group.completed"
REPORT_PUBLISHED = "iaow.report.published"
SURVEY_LANDED = "iaow.survey.landed"
# Extension: a survey delivery's results are published (its counterpart of scores.published).
SURVEY_PUBLISHED = "iaow.survey.published"


# Every resource carries the data directory it belongs to (Paths.home_id), which the
# deployment triggers match on, so that two data directories sharing a server stay apart.
HOME_LABEL = "iaow.home"


def _home_id(home_id: str | None) -> str:
    if home_id is not None:
        return home_id
    from flows.config import paths

    return paths().home_id


def inspection_resource(inspection_id: str, home_id: str | None = None) -> dict[str, str]:
    return {
        "prefect.resource.id": f"iaow.inspection.{inspection_id}",
        "prefect.resource.name": inspection_id,
        HOME_LABEL: _home_id(home_id),
    }


def group_resource(group_id: str, home_id: str | None = None) -> dict[str, str]:
    return {"prefect.resource.id": f"iaow.group.{group_id}", "prefect.resource.role": "group", HOME_LABEL: _home_id(home_id)}


def survey_resource(survey_id: str, home_id: str | None = None) -> dict[str, str]:
    return {
        "prefect.resource.id": f"iaow.survey.{survey_id}",
        "prefect.resource.name": survey_id,
        HOME_LABEL: _home_id(home_id),
    }


def emit(event: str, resource: dict[str, str], payload: dict[str, Any], related: list[dict[str, str]] | None = None) -> None:
    from prefect.events import emit_event

    emit_event(event=event, resource=resource, payload=payload, related=related or [])
