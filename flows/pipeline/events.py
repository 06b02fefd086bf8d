"""Emitting the platform's events and artifacts: what the publication protocol's outbox delivers
once a publication is out (flows.storage.publication), and what the landing watcher announces."""

from __future__ import annotations

from typing import Any

from flows.core.events import EventRecord

EVENT_STEP = "event"
ARTIFACT_STEP = "artifact"


def emit(record: EventRecord) -> None:
    from prefect.events import emit_event

    emitted = emit_event(event=record.event, resource=record.resource, payload=record.payload, related=record.related)
    if emitted is None:  # Prefect emits nothing when it has no events client to hand it to
        raise RuntimeError(f"{record.event} could not be handed to the Prefect server")


def owe_event(record: EventRecord) -> dict[str, Any]:
    return {"kind": EVENT_STEP, "label": f"event {record.event}", "data": record.as_json()}


def deliver_event(data: dict[str, Any]) -> None:
    emit(EventRecord.from_json(data))


def owe_artifact(key: str, markdown: str, description: str) -> dict[str, Any]:
    return {"kind": ARTIFACT_STEP, "label": f"artifact {key}", "data": {"key": key, "markdown": markdown, "description": description}}


def deliver_artifact(data: dict[str, Any]) -> None:
    from prefect.artifacts import create_markdown_artifact

    # _sync: in an async flow Prefect would hand back a coroutine, which nobody would await
    create_markdown_artifact(key=data["key"], markdown=data["markdown"], description=data["description"], _sync=True)


DELIVERIES = {EVENT_STEP: deliver_event, ARTIFACT_STEP: deliver_artifact}
