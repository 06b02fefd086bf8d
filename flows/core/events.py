"""The platform's Prefect events (CONTRACT.md, Events): their names, the resources they are
about, and the record of one event. Emitting them is the pipeline's (`flows.pipeline.events`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


def resource(kind: str, resource_id: str, home_id: str | None = None) -> dict[str, str]:
    """`iaow.<kind>.<id>`: an inspection, a survey or a group."""
    return {
        "prefect.resource.id": f"iaow.{kind}.{resource_id}",
        "prefect.resource.name": resource_id,
        HOME_LABEL: _home_id(home_id),
    }


def inspection_resource(inspection_id: str, home_id: str | None = None) -> dict[str, str]:
    return resource("inspection", inspection_id, home_id)


def survey_resource(survey_id: str, home_id: str | None = None) -> dict[str, str]:
    return resource("survey", survey_id, home_id)


def group_resource(group_id: str, home_id: str | None = None) -> dict[str, str]:
    return {**resource("group", group_id, home_id), "prefect.resource.role": "group"}


@dataclass(frozen=True)
class EventRecord:
    """One event to emit: kept as data so that a publication can owe it (flows.storage.outbox)."""

    event: str
    resource: dict[str, str]
    payload: dict[str, Any] = field(default_factory=dict)
    related: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"event": self.event, "resource": self.resource, "payload": self.payload, "related": self.related}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EventRecord:
        return cls(data["event"], data["resource"], data.get("payload", {}), data.get("related", []))
