"""A second data directory served by a real worker and landing watcher, started for this session.

The worker and the watcher are the processes `iaow up` starts (flows/services.py), pointed at
their own IAOW_HOME so that returns dropped here never disturb the other tests' data directory.
They share the session's Prefect server; deployments and triggers are scoped to the data
directory (Paths.home_id), so nothing else on the server runs this directory's work.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from flows import demo
from flows.config import Paths


@pytest.fixture(scope="session")
def served(prefect_server) -> Paths:
    from flows.runtime.services import BACKGROUND_SERVICES, start_background, stop_background, wait_until_worker_ready

    p = Paths(Path(tempfile.mkdtemp(prefix="iaow served o'brien-")))
    for name in BACKGROUND_SERVICES:
        start_background(p, name)
    try:
        assert wait_until_worker_ready(p), (p.logs / "worker.log").read_text()
        yield p
    finally:
        for name in BACKGROUND_SERVICES:
            stop_background(p, name)
        shutil.rmtree(p.home, ignore_errors=True)


@pytest.fixture(scope="session")
def demo_returns(tmp_path_factory) -> Path:
    """The demo programme's returns, written outside any landing area (tests drop copies)."""
    staging = tmp_path_factory.mktemp("returns")
    demo.write_demo_programme(staging)
    return staging / "inspections"
