"""Test session set-up: a private data directory, and one real Prefect server for every test.

IAOW_HOME is set here, and the environment prepared, before any test module imports Prefect
(which reads its settings when first imported). The Prefect
server is the one already running at PREFECT_API_URL (`make up`), or one started for this
session and stopped at its end: never Prefect's per-process temporary server.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# a quote and a space in every path: paths are data, never SQL or shell text
TEST_HOME = Path(tempfile.mkdtemp(prefix="iaow test o'brien-"))
os.environ["IAOW_HOME"] = str(TEST_HOME)
os.environ.pop("IAOW_CRASH_AT", None)
os.environ.pop("IAOW_MACHINE_DIR", None)  # a developer's own would give every test home one run/ and logs/

from flows.config import paths, prepare_environment  # noqa: E402  (must follow IAOW_HOME)

prepare_environment()
from tests.support import run_iaow  # noqa: E402


@pytest.fixture(scope="session")
def prefect_server():
    from flows.runtime.services import server_healthy, start_server, stop_server

    if server_healthy():
        yield
        return
    start_server(paths())
    yield
    stop_server(paths())


@pytest.fixture(scope="session")
def demo_home(prefect_server) -> Path:
    """The demo programme, published through the real CLI: the state most tests start from."""
    result = run_iaow("demo")
    assert result.returncode == 0, result.stdout + result.stderr
    yield TEST_HOME


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A superuser URL to a real PostgreSQL server: IAOW_TEST_POSTGRES_URL's, or a throwaway cluster."""
    from tests.postgres import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session", autouse=True)
def remove_test_home():
    yield
    shutil.rmtree(TEST_HOME, ignore_errors=True)


@pytest.fixture
def hampshire_copy(demo_home, tmp_path) -> Path:
    """A fresh copy of the Hampshire demo return to break or correct."""
    target = tmp_path / "hampshire-2013"
    shutil.copytree(paths().landing_inspections / "hampshire-2013", target)
    return target


@pytest.fixture(scope="module")
def published(demo_home):
    """The published warehouse, opened read-only as analysts open it."""
    import duckdb

    connection = duckdb.connect(str(paths().published_db), read_only=True)
    yield connection
    connection.close()


@pytest.fixture
def corrected_return(demo_home, tmp_path):
    """Factory: a copy of a demo return with every `no` to one question turned into `yes`.
    The originals are re-ingested afterwards, so later tests find the demo state."""
    from tests.return_edits import rewrite_csv
    from tests.support import ingest

    originals = []

    def make(inspection_id: str, question_id: str) -> Path:
        original = paths().landing_inspections / inspection_id
        folder = tmp_path / inspection_id
        shutil.copytree(original, folder)

        def correct(rows):
            for row in rows[1:]:
                if row[1] == question_id and row[2] == "no":
                    row[2] = "yes"

        rewrite_csv(folder / "answers.csv", correct)
        originals.append(original)
        return folder

    yield make
    for original in originals:
        assert ingest(original).status in ("published", "unchanged")
