"""The platform as a team runs it: the Prefect server on PostgreSQL with a credential, started by
`iaow up`, the worker and the watcher as its clients, and the marts served from PostgreSQL.

One real PostgreSQL server (tests/postgres.py) holds both Prefect's database and the serving
database; nothing here shares the session's SQLite Prefect server. The event-driven path runs
end to end: a return dropped in landing is announced by the watcher, triggered, run by the
worker, published, and served, with authentication on.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import psycopg
import pytest

from flows import demo
from flows.config import REPO_ROOT, Paths
from flows.sources.base import READY_MARKER
from tests.integration.test_event_driven import drop, published_hashes, sha_of, wait_for
from tests.postgres import free_port, fresh_database
from tests.return_edits import flip_an_answer

CREDENTIAL = "team:correct-horse-battery-staple"
TIMEOUT_S = 240


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
    started: list[subprocess.Popen] = []

    machine = tmp_path_factory.mktemp("app-2 machine")

    def second_worker() -> subprocess.Popen:
        """Another worker, as on another machine sharing the data directory: its own machine
        folder, its output to what would be its service manager's journal."""
        with open(machine / "journal.log", "ab") as journal:
            started.append(subprocess.Popen([sys.executable, "-m", "flows.cli", "worker"], cwd=REPO_ROOT,
                                            env={**environment, "IAOW_MACHINE_DIR": str(machine)},
                                            stdout=journal, stderr=subprocess.STDOUT))
        return started[-1]

    second_worker()
    try:
        yield home, port, environment, iaow, second_worker, machine
    finally:
        for worker in started:
            worker.kill()
            worker.wait()
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
    _, port, _, _, _, _ = team
    assert api(port, "/flows/filter", None) == 401
    assert api(port, "/flows/filter", "team:a-wrong-password-here") == 401
    assert api(port, "/flows/filter", CREDENTIAL) == 200


def test_a_dropped_return_publishes_itself_and_is_served_on_the_team_setup(team, tmp_path):
    home, port, environment, iaow, _, machine = team
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
    # No credential in anything the platform wrote: neither Prefect's nor PostgreSQL's password.
    passwords = [CREDENTIAL.split(":", 1)[1], *filter(None, [urlsplit(environment["IAOW_SERVING_URL"]).password])]
    for path in [*Path(home).rglob("*"), *machine.rglob("*")]:
        if path.is_file() and path.suffix in {".log", ".json", ".md", ".html", ".csv", ".txt", ".yaml", ""}:
            text = path.read_text(errors="replace")
            assert not [password for password in passwords if password in text], path


def test_a_worker_killed_mid_run_is_crashed_and_its_return_published_once_by_the_other(team, tmp_path):
    """kill -9 of the worker holding the writer slot: its run ends Crashed (no heartbeat for
    UNRESPONSIVE_AFTER_S), and the surviving worker runs the return again, which publishes it once."""
    from flows.runtime.worker import UNRESPONSIVE_AFTER_S
    from flows.storage.writer import holder_record

    home, _, environment, iaow, second_worker, _ = team
    p = Paths(home)
    returns = tmp_path / "returns"
    demo.write_demo_programme(returns)
    folder = drop(returns / "inspections" / "placeholder-area-b-2013", p, transform=flip_an_answer(7))
    sha = sha_of(folder)
    background = int((p.run / "worker.pid").read_text())  # the one `iaow up` started
    workers = {background} | set(worker_pids(home))
    holder = wait_for("a worker in the writer slot", lambda: holder_record(p).get("pid") in workers and holder_record(p)["pid"],
                      timeout=TIMEOUT_S)
    os.kill(holder, signal.SIGKILL)
    killed_at = time.monotonic()

    crashed = wait_for("the run marked Crashed", lambda: crashed_runs(environment, "ingest-placeholder-area-b-2013"),
                       timeout=UNRESPONSIVE_AFTER_S + 300)
    to_crashed = time.monotonic() - killed_at
    wait_for("the return published", lambda: sha in published_hashes(p), timeout=180)
    to_published = time.monotonic() - killed_at
    assert published_hashes(p).count(sha) == 1
    assert crashed and to_published < UNRESPONSIVE_AFTER_S + 330
    print(f"kill -9 to Crashed: {to_crashed:.0f} s; to published by the other worker: {to_published:.0f} s")
    # The machine comes back: its service manager starts the worker again (here: whichever died).
    assert iaow("up").returncode == 0  # restarts the background worker if it was the one killed
    if holder != background:
        second_worker()


def test_twelve_returns_at_once_with_two_workers_are_each_published_once(team, tmp_path):
    home, _, _, _, _, machine = team
    p = Paths(home)
    returns = tmp_path / "returns"
    demo.write_demo_programme(returns)
    names = sorted(path.name for path in (returns / "inspections").iterdir() if path.name != "placeholder-area-a-2013")
    folders = [drop(returns / "inspections" / name, p) for name in names]
    # two versions of the first return at once, as a correction sent twice in a hurry
    folders.append(drop(returns / "inspections" / "placeholder-area-a-2013", p, transform=flip_an_answer(5)))
    hashes = [sha_of(folder) for folder in folders]
    second = tmp_path / "second" / "placeholder-area-a-2013"
    shutil.copytree(returns / "inspections" / "placeholder-area-a-2013", second)
    flip_an_answer(6)(second)
    wait_for("the first version's publication", lambda: hashes[-1] in published_hashes(p), timeout=TIMEOUT_S)
    folders.append(drop(second, p))
    hashes.append(sha_of(folders[-1]))
    assert len(set(hashes)) == 12
    wait_for("all twelve publications", lambda: all(h in published_hashes(p) for h in hashes), timeout=900)
    counts = published_hashes(p)
    assert [counts.count(h) for h in hashes] == [1] * 12
    # Each machine's log says which runs it took and how they ended; neither holds a traceback.
    first, second = (home / "logs" / "worker.log").read_text(), (machine / "journal.log").read_text()
    assert "Traceback" not in first + second
    for log in (first, second):
        assert re.search(r"iaow.worker INFO ingest-\S+ finished: Completed", log), log[-3000:]
    # The second machine's own files are in its machine folder, not in the shared data directory.
    assert (machine / ".dbt" / "target" / "manifest.json").exists() and (machine / "run" / "worker.ready").exists()


def test_the_event_driven_tests_pass_on_the_postgresql_server_with_authentication(team):
    """Every flow, deployment, event trigger, schedule, artifact, the writer slot and the weekly
    pruning behave as on SQLite: the event-driven tests, written for the session's SQLite server,
    run again in a pytest of their own whose Prefect server is this PostgreSQL-backed one, with
    its credential (their data directory and deployments are their own)."""
    _, port, environment, _, _, _ = team
    own = {"IAOW_HOME", "IAOW_SERVING_URL", "IAOW_PREFECT_DATABASE_URL"}  # theirs, not the team's
    suite = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/integration/test_event_driven.py"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=2400,
        env={**{key: value for key, value in environment.items() if key not in own},
             "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"})
    assert suite.returncode == 0, suite.stdout[-6000:] + suite.stderr[-2000:]
    assert " passed" in suite.stdout and " failed" not in suite.stdout


def worker_pids(home: Path) -> list[int]:
    found = subprocess.run(["pgrep", "-f", "flows.cli worker"], capture_output=True, text=True).stdout.split()
    return [int(pid) for pid in found if f"IAOW_HOME={home}" in Path(f"/proc/{pid}/environ").read_bytes().replace(b"\0", b"\n").decode(errors="replace")]


def crashed_runs(environment: dict, name: str) -> list:
    script = (
        "import asyncio, sys\n"
        "from prefect.client.orchestration import get_client\n"
        "from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName\n"
        "async def main():\n"
        "    async with get_client() as c:\n"
        f"        runs = await c.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[{name!r}])))\n"
        "        print(' '.join(f'{r.state.type.value}:{r.state.name}:{r.id}' for r in runs))\n"
        "asyncio.run(main())\n"
    )
    env = {**environment, "PREFECT_API_URL": f"http://127.0.0.1:{environment['IAOW_PREFECT_PORT']}/api",
           "PREFECT_API_AUTH_STRING": CREDENTIAL}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=REPO_ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    return [state for state in out.stdout.split() if state.startswith("CRASHED")]
