"""What the services are started with, without starting them: umask 077, folders of their owner's
only, and the pseudonym key for the worker alone (never the Prefect server, the watcher, the
dashboard)."""

from __future__ import annotations

import argparse
import os
import stat
from pathlib import Path

import pytest

import flows.cli
from flows.config import PSEUDONYM_KEY_ENV, ConfigurationError, Paths
from flows.runtime import services

KEY = "k" * 40


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


class FakePopen:
    """Records how a service would be started."""

    started: list[dict] = []

    def __init__(self, command, **options):
        self.pid = 999_999_999  # no such process: the pid file is stale at once
        FakePopen.started.append({"command": command, **options})


@pytest.fixture
def p(tmp_path, monkeypatch) -> Paths:
    home = tmp_path / "home"
    monkeypatch.setenv("IAOW_HOME", str(home))
    monkeypatch.setenv("PREFECT_HOME", str(home / ".prefect"))
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, KEY)
    monkeypatch.delenv("IAOW_PUBLISHED_GROUP", raising=False)
    monkeypatch.setattr(services, "server_healthy", lambda *args, **kwargs: False)
    monkeypatch.setattr(services.subprocess, "Popen", FakePopen)
    FakePopen.started = []
    return Paths(home)


def test_the_server_is_started_without_the_key_under_umask_077(p):
    p.logs.mkdir(parents=True)
    (p.logs / "prefect-server.log").write_text("from an older version\n")
    (p.logs / "prefect-server.log").chmod(0o644)

    services.start_server(p, wait=False)

    (started,) = FakePopen.started
    assert started["command"][-6:-4] == ["server", "start"]
    assert PSEUDONYM_KEY_ENV not in started["env"]
    assert started["env"]["PREFECT_HOME"] == str(p.prefect_home)
    assert started["umask"] == 0o077
    for folder in (p.run, p.logs, p.prefect_home):
        assert mode(folder) == 0o700, folder
    assert mode(p.logs / "prefect-server.log") == 0o600


@pytest.mark.parametrize(("name", "gets_key"), [("worker", True), ("watcher", False)])
def test_only_the_worker_is_given_the_key(p, name, gets_key):
    services.start_background(p, name)
    (started,) = FakePopen.started
    assert (started["env"].get(PSEUDONYM_KEY_ENV) == KEY) is gets_key
    assert started["env"]["IAOW_HOME"] == str(p.home)
    assert started["umask"] == 0o077
    assert mode(p.logs / f"{name}.log") == 0o600


def test_the_environments_of_services_that_never_see_a_return_have_no_key(p):
    assert PSEUDONYM_KEY_ENV not in services.server_environment(p)
    assert PSEUDONYM_KEY_ENV not in services.background_environment(p, "watcher")
    assert PSEUDONYM_KEY_ENV not in services.dashboard_environment()
    assert services.background_environment(p, "worker")[PSEUDONYM_KEY_ENV] == KEY
    assert os.environ[PSEUDONYM_KEY_ENV] == KEY  # this process keeps it


def test_the_dashboard_is_started_without_the_key(p, monkeypatch):
    p.published_db.parent.mkdir(parents=True)
    p.published_db.touch()
    calls = []
    monkeypatch.setattr(flows.cli.subprocess, "call", lambda command, **options: calls.append((command, options)) or 0)
    assert flows.cli.cmd_dashboard(argparse.Namespace(address="127.0.0.1", port=8501)) == 0
    ((command, options),) = calls
    assert "streamlit" in command
    assert PSEUDONYM_KEY_ENV not in options["env"]
    assert options["umask"] == 0o077


def test_starting_a_service_tightens_what_an_older_version_left_open(p):
    leftovers = [p.quarantine / "x-2013" / "abc" / "report.md", p.prefect_home / "prefect.db", p.pseudonym_key_file,
                 p.outbox / "pub-1" / "owed.json"]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
        path.chmod(0o644)
    p.private_db.write_text("x")
    p.private_db.chmod(0o644)
    services.start_background(p, "watcher")
    for path in [*leftovers, p.private_db]:
        assert mode(path) == 0o600, path
    for folder in (p.quarantine, p.quarantine / "x-2013", p.prefect_home, p.secrets, p.outbox):
        assert mode(folder) == 0o700, folder


def test_a_worker_is_not_started_with_a_key_file_too_short(p, monkeypatch):
    monkeypatch.delenv(PSEUDONYM_KEY_ENV)
    p.secrets.mkdir(parents=True)
    p.pseudonym_key_file.write_text("short\n")
    with pytest.raises(ConfigurationError, match="at least 32"):
        services.start_background(p, "worker")
    assert FakePopen.started == []
    services.start_background(p, "watcher")  # which never reads it
    assert len(FakePopen.started) == 1
