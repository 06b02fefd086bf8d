"""How long Prefect's history is kept (flow runs, logs, artifacts, events): IAOW_RETENTION_DAYS.

Separate from flows/maintenance.py so that starting the server does not import Prefect's client.
"""

from __future__ import annotations

import os

DEFAULT_RETENTION_DAYS = 90


def retention_days() -> int:
    return int(os.environ.get("IAOW_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))
