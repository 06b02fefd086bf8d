"""dbt, in-process: build and test the next private warehouse, and say which nodes failed.

The parsed manifest is kept for the life of the process, so a long-lived process (the demo,
a worker) pays dbt's parse once; each build then only runs the models and tests. After every
invocation dbt-duckdb's connection is closed: it otherwise keeps the file locked after
invoke() returns (dbt-duckdb #616), which would block the commit and other processes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from flows.config import DBT_PROJECT_DIR, Paths, disclosure_threshold

FAILED_STATUSES = {"error", "fail", "runtime error", "skipped"}


@dataclass(frozen=True)
class FailedNode:
    unique_id: str
    status: str
    message: str

    def describe(self) -> str:
        return f"{self.unique_id} [{self.status}]: {self.message}"


class DbtBuildFailed(Exception):
    def __init__(self, command: str, failed: list[FailedNode], error: str | None = None):
        self.command = command
        self.failed = failed
        self.error = error
        lines = [f"dbt {command} failed" + (f": {error}" if error else "")]
        lines += [f"  - {node.describe()}" for node in failed[:20]]
        super().__init__("\n".join(lines))


_manifest_cache: dict[str, object] = {}


def _base_args(p: Paths) -> list[str]:
    return [
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(p.dbt_target),
        "--log-path", str(p.dbt_target.parent / "logs"),
    ]


def _close_dbt_connections() -> None:
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def run_dbt(p: Paths, database: Path, command: list[str]) -> object:
    """Run one dbt command against `database`; raise DbtBuildFailed naming every failing node."""
    from dbt.cli.main import dbtRunner

    os.environ["IAOW_DBT_DATABASE"] = str(database)
    key = str(p.dbt_target)
    try:
        if key not in _manifest_cache:
            parsed = dbtRunner().invoke(["parse", "--quiet", *_base_args(p)])
            if not parsed.success:
                raise DbtBuildFailed("parse", [], str(parsed.exception))
            _manifest_cache[key] = parsed.result
        # Read at every invocation, not from the cached manifest: a changed setting takes effect.
        settings = json.dumps({"disclosure_threshold": disclosure_threshold()})
        result = dbtRunner(manifest=_manifest_cache[key]).invoke([*command, "--quiet", "--vars", settings, *_base_args(p)])
    finally:
        _close_dbt_connections()
    failed = failed_nodes(result.result)
    if not result.success or failed:
        raise DbtBuildFailed(" ".join(command), failed, None if failed else str(result.exception))
    return result.result


def failed_nodes(run_result: object) -> list[FailedNode]:
    nodes = []
    for node_result in getattr(run_result, "results", None) or []:
        status = str(getattr(node_result.status, "value", node_result.status)).lower()
        if status in FAILED_STATUSES:
            nodes.append(FailedNode(node_result.node.unique_id, status, (node_result.message or "").strip()))
    return nodes


def build_warehouse(p: Paths, database: Path) -> int:
    """Seeds, models and data tests; unit tests run in `make test`, not on every publication."""
    result = run_dbt(p, database, ["build", "--exclude-resource-type", "unit_test"])
    return len(getattr(result, "results", []))
