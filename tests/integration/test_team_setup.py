"""The platform as a team runs it: the Prefect server on PostgreSQL with a credential, started by
`iaow up`, the worker and the watcher as its clients, and the marts served from PostgreSQL.

One real PostgreSQL server (tests/postgres.py) holds both Prefect's database and the serving
database; nothing here shares the session's SQLite Prefect server. The event-driven path runs
end to end: a return dropped in landing is announced by the watcher, triggered, run by the
worker, published, and served, with authentication on.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import psycopg
import pytest

from flows import demo
from flows.config import REPO_ROOT
from flows.sources.base import READY_MARKER
from tests.postgres import fresh_database

CREDENTIAL = "team:correct-horse-battery-staple"
TIMEOUT_S = 240


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def team(postgres_url, tmp_path_factory):
    """A data directory whose services run on a PostgreSQL-backed, authenticated Prefect server."""
    home = tmp_path_factory.mktemp("team home o'brien")
    port = free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    environment.update(
        IAOW_HOME=str(home), IAOW_PREFECT_PORT=str(port), IAOW_PREFECT_AUTH=CREDENTIAL,
        IAOW_PREFECT_DATABASE_URL=fresh_database(postgres_url, "iaow_prefect"),
        IAOW_SERVING_URL=fresh_database(postgres_url, "iaow_team_serving"),
    )

    def iaow(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=REPO_ROOT, env=environment,
                              capture_output=True, text=True, timeout=600)

    up = iaow("up")
    assert up.returncode == 0, up.stdout + up.stderr
    try:
        yield home, port, environment, iaow
    finally:
        iaow("down")


def api(port: int, path: str, credential: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if credential:
        import base64

        headers["Authorization"] = "Basic " + base64.b64encode(credential.encode()).decode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api{path}", data=b"{}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_server_refuses_a_request_without_the_credential(team):
    _, port, _, _ = team
    assert api(port, "/flows/filter", None) == 401
    assert api(port, "/flows/filter", "team:a-wrong-password-here") == 401
    assert api(port, "/flows/filter", CREDENTIAL) == 200


def test_a_dropped_return_publishes_itself_and_is_served_on_the_team_setup(team, tmp_path):
    home, port, environment, iaow = team
    staging = tmp_path / "staging"
    demo.write_demo_programme(staging)
    source = staging / "inspections" / "placeholder-area-a-2013"
    target = home / "landing" / "inspections" / source.name
    target.mkdir(parents=True)
    for file in source.iterdir():
        if file.name != READY_MARKER:
            shutil.copy2(file, target / file.name)
    (target / READY_MARKER).touch()  # last, as senders do

    def served() -> bool:
        try:
            with psycopg.connect(environment["IAOW_SERVING_URL"]) as connection:
                return connection.execute(
                    "select count(*) from marts.dim_inspection where inspection_id = %s", [source.name]).fetchone()[0] == 1
        except psycopg.Error:
            return False

    deadline = time.monotonic() + TIMEOUT_S
    while not served():
        assert time.monotonic() < deadline, (home / "logs" / "worker.log").read_text()[-3000:]
        time.sleep(0.5)
    with duckdb.connect(str(home / "warehouse" / "iaow.duckdb"), read_only=True) as connection:
        assert connection.execute("select inspection_id from marts.dim_inspection").fetchall() == [(source.name,)]
    status = iaow("status")
    assert status.returncode == 0, status.stderr
    assert "serving database: up to date" in status.stdout and "published" in status.stdout
    # The run is on the PostgreSQL-backed server, readable with the credential only.
    assert api(port, "/flow_runs/filter", CREDENTIAL) == 200 and api(port, "/flow_runs/filter", None) == 401
    # No credential in anything the platform wrote.
    password = CREDENTIAL.split(":", 1)[1]
    for path in Path(home).rglob("*"):
        if path.is_file() and path.suffix in {".log", ".json", ".md", ".html", ".csv", ".txt", ".yaml", ""}:
            assert password not in path.read_text(errors="replace"), path
