"""dbt, in-process: build and test the next private warehouse, and say which nodes failed.

The parsed manifest is kept for the life of the process, so a long-lived process (the demo,
a worker) pays dbt's parse once; each build then only runs the models and tests. After every
invocation dbt-duckdb's connection is closed: it otherwise keeps the file locked after
invoke() returns (dbt-duckdb #616), which would block the commit and other processes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flows.config import DBT_DATABASE_ENV, DBT_PROJECT_DIR, Paths, disclosure_threshold
from flows.storage.warehouse import query, table_exists

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


def _base_args(target: Path) -> list[str]:
    return [
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(target),
        "--log-path", str(target.parent / "logs"),
    ]


def _close_dbt_connections() -> None:
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def node_counter(on_progress: Callable[[int, int], None]) -> Callable[[object], None]:
    """A dbt event callback that calls on_progress(done, total) as each node finishes."""
    counts = {"done": 0, "total": 0}

    def on_event(event: object) -> None:
        name = event.info.name
        if name == "ConcurrencyLine":
            counts["total"] = int(event.data.node_count)
        elif name == "NodeFinished":
            counts["done"] += 1
            on_progress(counts["done"], max(counts["total"], counts["done"]))

    return on_event


def run_dbt(p: Paths, database: Path, command: list[str],
            on_progress: Callable[[int, int], None] | None = None, target: Path | None = None) -> object:
    """Run one dbt command against `database`; raise DbtBuildFailed naming every failing node.
    on_progress(done, total) is told as each node finishes. `target`: dbt's target folder, when
    not the data directory's usual one (a release builds beside a publication)."""
    from dbt.cli.main import dbtRunner

    os.environ[DBT_DATABASE_ENV] = str(database)  # read by dbt/profiles.yml
    target = target or p.dbt_target
    key = str(target)
    # Read at every invocation, not from the cached manifest: a changed setting takes effect.
    settings = ["--vars", json.dumps({"disclosure_threshold": disclosure_threshold()})]
    try:
        if key not in _manifest_cache:
            parsed = dbtRunner().invoke(["parse", "--quiet", *settings, *_base_args(target)])
            if not parsed.success:
                raise DbtBuildFailed("parse", [], str(parsed.exception))
            _manifest_cache[key] = parsed.result
        callbacks = [node_counter(on_progress)] if on_progress is not None else []
        result = dbtRunner(manifest=_manifest_cache[key], callbacks=callbacks).invoke(
            [*command, "--quiet", *settings, *_base_args(target)])
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


def build_warehouse(p: Paths, database: Path, on_progress: Callable[[int, int], None] | None = None,
                    target: Path | None = None) -> int:
    """Seeds, models and data tests; unit tests run in `make test`, not on every publication.

    Seeds (and their tests) are loaded only when they differ from what the database was last
    built with: they change with a release, not with a return, and reloading two dozen of them
    cost about 2 s of every publication.
    """
    fingerprint = seeds_fingerprint()
    command = ["build", "--exclude-resource-type", "unit_test"]
    if loaded_seeds_fingerprint(database) == fingerprint:
        command += ["--exclude", "path:seeds"]
    result = run_dbt(p, database, command, on_progress, target)
    record_seeds_fingerprint(database, fingerprint)
    return len(getattr(result, "results", []))


SEED_STATE_TABLE = "raw.seed_state"


def seeds_fingerprint() -> str:
    """Hash of every seed file and of dbt_project.yml (which configures them)."""
    digest = hashlib.sha256()
    files = sorted(path for path in (DBT_PROJECT_DIR / "seeds").rglob("*") if path.is_file())
    for path in [DBT_PROJECT_DIR / "dbt_project.yml", *files]:
        digest.update(str(path.relative_to(DBT_PROJECT_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def loaded_seeds_fingerprint(database: Path) -> str | None:
    if not table_exists(database, "raw", "seed_state"):
        return None
    rows = query(database, f"select seeds_sha256 from {SEED_STATE_TABLE}")
    return rows[0][0] if rows else None


def record_seeds_fingerprint(database: Path, fingerprint: str) -> None:
    import duckdb

    with duckdb.connect(str(database)) as connection:
        connection.execute(f"create table if not exists {SEED_STATE_TABLE} (seeds_sha256 varchar not null)")
        connection.execute(f"delete from {SEED_STATE_TABLE}")
        connection.execute(f"insert into {SEED_STATE_TABLE} values (?)", [fingerprint])
