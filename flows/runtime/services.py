"""The local Prefect server: start once, reuse from every process, stop by its recorded pid.

Prefect's temporary per-process server costs 12-30 s; one long-lived server with SQLite under
the data directory is started by `iaow up` (or on demand) and shared by the CLI, the demo and
the tests.

Every service starts under umask 077, so what it creates (the Prefect database, logs, DuckDB
files) is its owner's only, and with an environment that carries only what it needs: the
pseudonym key goes to the worker, which runs the flows, never to the server, the watcher or the
dashboard. Starting one first tightens what an older version left open (`secure_data_directory`).
"""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from flows.config import (
    PREFECT_CLIENT_SECRET,
    Paths,
    child_environment,
    prefect_api_url,
    prefect_auth,
    prefect_database_url,
    prefect_ui_url,
    retention_days,
)
from flows.storage.files import PRIVATE_FILE, PRIVATE_UMASK, private_folder, secure_data_directory
from flows.storage.keys import check_key

SERVER_PID_FILE = "prefect-server.pid"
START_TIMEOUT_S = 120


@dataclass
class ServiceStatus:
    healthy: bool
    pid: int | None
    api_url: str
    ui_url: str


def server_healthy(api_url: str | None = None, timeout: float = 1.0) -> bool:
    request = urllib.request.Request(f"{api_url or prefect_api_url()}/health", headers=auth_headers())
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def auth_headers() -> dict[str, str]:
    """HTTP basic auth for the Prefect API, when a credential is set (IAOW_PREFECT_AUTH)."""
    credential = os.environ.get(PREFECT_CLIENT_SECRET) or prefect_auth()
    return {"Authorization": "Basic " + base64.b64encode(credential.encode()).decode()} if credential else {}


def _pid_file(p: Paths, name: str = SERVER_PID_FILE) -> Path:
    return p.run / name


def _read_pid(p: Paths, name: str = SERVER_PID_FILE) -> int | None:
    try:
        pid = int(_pid_file(p, name).read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        _pid_file(p, name).unlink(missing_ok=True)  # stale: the process died without `iaow down`
        return None
    except PermissionError:
        pass
    return pid


def status(p: Paths) -> ServiceStatus:
    return ServiceStatus(server_healthy(), _read_pid(p), prefect_api_url(), prefect_ui_url())


def server_environment(p: Paths) -> dict[str, str]:
    """The server's environment: no pseudonym key (it never sees a return); its database (SQLite
    under .prefect/, or IAOW_PREFECT_DATABASE_URL's PostgreSQL) and its credential, if set."""
    secrets = {}
    if prefect_database_url():
        secrets["PREFECT_API_DATABASE_CONNECTION_URL"] = prefect_database_url()
    if prefect_auth():
        secrets["PREFECT_SERVER_API_AUTH_STRING"] = prefect_auth()
    return child_environment(
        **secrets,
        PREFECT_HOME=str(p.prefect_home),
        # The server's own log keeps every level; only CLI consoles are kept quiet.
        PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL="0",
        # events are trimmed by the server itself, after the same period as flow runs
        PREFECT_SERVER_EVENTS_RETENTION_PERIOD=f"P{retention_days()}D",  # ISO 8601 duration
    )


def prepare_service_folders(p: Paths) -> None:
    """The services' own folders, the owner's only, and the data directory tightened."""
    secure_data_directory(p)
    for folder in (p.run, p.logs, p.prefect_home):
        private_folder(folder)


def _open_log(path: Path):
    """A service's log, appended to, the owner's only (600) whatever the umask."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, PRIVATE_FILE), "ab")


def start_server(p: Paths, wait: bool = True) -> ServiceStatus:
    """Start the server unless one answers already; harmless to call twice."""
    prepare_service_folders(p)
    if server_healthy():
        return status(p)
    pid = _read_pid(p)
    if pid is None:
        host, port = _host_port()
        with _open_log(p.logs / "prefect-server.log") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=server_environment(p),
                umask=PRIVATE_UMASK,  # its SQLite database and whatever it writes: the owner's only
                start_new_session=True,  # outlives the command that started it, until `iaow down`
            )
        _pid_file(p).write_text(f"{process.pid}\n")
        pid = process.pid
    if wait:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not server_healthy():
            if _read_pid(p) is None:
                raise RuntimeError(f"the Prefect server exited during start-up; see {p.logs / 'prefect-server.log'}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the Prefect server did not become healthy in {START_TIMEOUT_S} s")
            time.sleep(0.2)
    return status(p)


def stop_server(p: Paths, timeout: float = 20.0) -> bool:
    """Stop the server this data directory started; returns whether one was running."""
    return _stop(p, SERVER_PID_FILE, timeout)


def _stop(p: Paths, pid_file: str, timeout: float) -> bool:
    pid = _read_pid(p, pid_file)
    if pid is None:
        return False
    try:
        os.killpg(pid, signal.SIGTERM)  # the server spawns workers in its session
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.killpg(pid, signal.SIGKILL)
    _pid_file(p, pid_file).unlink(missing_ok=True)
    return True


# ------------------------------------------------------------------ worker and landing watcher

# name -> the `iaow` sub-command that runs it in the foreground
BACKGROUND_SERVICES = {"worker": "worker", "watcher": "watch"}
READY_TIMEOUT_S = 120


def background_pid(p: Paths, name: str) -> int | None:
    return _read_pid(p, f"{name}.pid")


def start_background(p: Paths, name: str) -> tuple[int, bool]:
    """Start a service unless its recorded process is alive: (pid, started now)."""
    pid = background_pid(p, name)
    if pid is not None:
        return pid, False
    if name in NEEDS_KEY:
        check_key(p.pseudonym_key_file)  # a key too short is said by `iaow up`, not in the worker's log
    prepare_service_folders(p)
    if name == "worker":
        (p.run / "worker.ready").unlink(missing_ok=True)
    with _open_log(p.logs / f"{name}.log") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", BACKGROUND_SERVICES[name]],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=background_environment(p, name),
            umask=PRIVATE_UMASK,  # as `iaow` sets for itself: DuckDB files, logs, reports' scratch
            start_new_session=True,
        )
    _pid_file(p, f"{name}.pid").write_text(f"{process.pid}\n")
    return process.pid, True


# the services that need the pseudonym key: the worker runs the flows, which pseudonymise
NEEDS_KEY = frozenset({"worker"})


def background_environment(p: Paths, name: str) -> dict[str, str]:
    """A background service's environment: the key only for the worker."""
    return child_environment(keep_secrets=name in NEEDS_KEY, IAOW_HOME=str(p.home))


def dashboard_environment() -> dict[str, str]:
    """The dashboard's environment: it reads the published file only, and never needs the key, nor
    the Prefect credential."""
    return child_environment(prefect_client=False)


def wait_until_worker_ready(p: Paths, timeout: float = READY_TIMEOUT_S) -> bool:
    """The worker is ready once its deployments and triggers are on the server."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (p.run / "worker.ready").exists():
            return True
        if background_pid(p, "worker") is None:
            return False
        time.sleep(0.2)
    return False


def stop_background(p: Paths, name: str, timeout: float = 30.0) -> bool:
    return _stop(p, f"{name}.pid", timeout)


def _host_port() -> tuple[str, int]:
    from urllib.parse import urlparse

    url = urlparse(prefect_api_url())
    return url.hostname or "127.0.0.1", url.port or 4200
