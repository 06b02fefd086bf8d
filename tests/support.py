"""Helpers shared by the tests (kept out of conftest.py so that importing them never re-runs it)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from flows.config import REPO_ROOT

IAOW = [sys.executable, "-m", "flows.cli"]


def run_iaow(*args: str, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """The real command line, in its own process, as a user runs it."""
    return subprocess.run(
        [*IAOW, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
    )


def sha256_of(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def ingest(path: Path):
    """Run the ingest flow (of a return, or of a survey delivery) in this process, against the
    real server, and return its outcome."""
    from flows.pipeline.ingest import ingest_any, outcome_of

    async def run():
        return await outcome_of(await ingest_any(str(path)))

    return asyncio.run(run())


def copy_published_home(source: Path, target: Path) -> Path:
    """A data directory of its own holding `source`'s published programme, its key and its archive,
    so that what a test plants never reaches the other tests' programme."""
    import shutil

    for folder in ("warehouse", "secrets", "archive"):
        shutil.copytree(source / folder, target / folder, symlinks=True, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".next", ".publish", ".outbox", ".release", "*.lock"))
    return target
