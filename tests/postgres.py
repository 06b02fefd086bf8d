"""A real PostgreSQL server for the tests: the one IAOW_TEST_POSTGRES_URL names, or a throwaway
cluster of the tests' own (Debian's postgresql, installed by `make system`) on a free port,
started as the `postgres` user when the tests run as root (PostgreSQL refuses to run as root),
and deleted at the end."""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

URL_ENV = "IAOW_TEST_POSTGRES_URL"


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is missing: `make system` installs Debian's postgresql")
    return found[-1]


def free_port() -> int:
    """A TCP port nobody listens on now, on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def postgres_server() -> Iterator[str]:
    """A superuser connection URL to a running server."""
    if os.environ.get(URL_ENV):
        yield os.environ[URL_ENV]
        return
    folder = Path(tempfile.mkdtemp(prefix="iaow-test-postgres-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()
    user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
    # Passwords are checked over TCP, as on a team's server, so a password that leaks into a log
    # or is lost on the way to a client is noticed; the socket (pg_ctl's own checks) is trusted.
    password = secrets.token_hex(16)
    password_file = folder / "password"
    password_file.write_text(password + "\n")
    if os.geteuid() == 0:
        shutil.chown(password_file, "postgres", "postgres")
    subprocess.run(_as_postgres([_bin("initdb"), "-D", str(data), "-U", user, "--auth-local=trust",
                                 "--auth-host=scram-sha-256", f"--pwfile={password_file}", "-E", "UTF8",
                                 "--no-sync"]), check=True, capture_output=True)
    subprocess.run(_as_postgres([_bin("pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w", "-o",
                                 f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"]
                                + ["start"]), check=True, capture_output=True)
    try:
        yield f"postgresql://{user}:{password}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def fresh_database(server_url: str, name: str) -> str:
    """A new, empty database on the server; its URL."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'drop database if exists "{name}" with (force)')
        connection.execute(f'create database "{name}"')
    return server_url.rsplit("/", 1)[0] + f"/{name}"
