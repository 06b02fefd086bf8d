"""The publication protocol (flows.storage.publication) as the pipeline runs it: with Prefect
delivering the events and artifacts a publication owes."""

from __future__ import annotations

import logging

from flows.config import Paths
from flows.pipeline.events import DELIVERIES
from flows.storage.publication import Publisher

log = logging.getLogger("iaow.publication")


def publisher(p: Paths) -> Publisher:
    return Publisher(p, DELIVERIES)


def recover(p: Paths) -> list[str]:
    """Finish what earlier publications left (run first by every writer): what was done, and what
    is still left, in words for the run's log."""
    recovery = publisher(p).recover()
    said = []
    if recovery.exported:
        said.append(f"published {recovery.exported}, which a crash had committed but not published")
    for delivered in recovery.delivered:
        if delivered.done:
            said.append(f"delivered what {delivered.publication_id} owed: {', '.join(delivered.done)}")
        if delivered.left:
            said.append(f"{delivered.publication_id} still owes: {delivered.describe_left()}")
    for publication_id in recovery.dropped:
        said.append(f"dropped the outbox of {publication_id}, which was never committed")
    for line in said:
        log.warning(line)
    return said
