"""Batch ingest: several inputs checked one by one and published in one publication; and the
same programme published one input at a time gives the same published tables, to the bit.

Each side runs in a data directory of its own, through the real command line and flows.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from flows import demo
from flows.config import REPO_ROOT
from tests.return_edits import rewrite_yaml
from tests.support import run_iaow

# Columns that say when or by which publication something was published: they differ between
# one publication and thirteen by construction, and nothing else may.
PUBLICATION_COLUMNS = ("publication_id", "published_at", "version_id", "superseded_at", "superseded_by_publication_id")


@pytest.fixture(scope="module")
def demo_inputs(tmp_path_factory) -> list[Path]:
    landing = tmp_path_factory.mktemp("demo-inputs")
    return [*demo.write_demo_programme(landing), *demo.write_demo_surveys(landing)]


def home_env(home: Path) -> dict:
    return {"IAOW_HOME": str(home)}


ONE_AT_A_TIME = """
import asyncio, sys
from flows.pipeline.ingest import ingest_any, outcome_of

async def main():
    for path in sys.argv[1:]:
        outcome = await outcome_of(await ingest_any(path))
        assert outcome.status == "published", outcome.summary

asyncio.run(main())
"""


def published_tables(db: Path) -> dict[str, list[tuple]]:
    """Every published table but the publications' own, without the publication columns, sorted."""
    tables = {}
    with duckdb.connect(str(db), read_only=True) as connection:
        names = [row[0] for row in connection.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' order by table_name").fetchall()]
        for name in names:
            if name == "dim_publication":
                continue
            columns = [row[0] for row in connection.execute(f"describe marts.{name}").fetchall()
                       if row[0] not in PUBLICATION_COLUMNS]
            listed = ", ".join(f'"{column}"' for column in columns)
            tables[name] = sorted(connection.execute(f"select {listed} from marts.{name}").fetchall(), key=repr)
    return tables


@pytest.fixture(scope="module")
def batch_home(prefect_server, demo_inputs, tmp_path_factory) -> Path:
    """The demo programme published by one `iaow ingest` of all its inputs."""
    home = tmp_path_factory.mktemp("batch")
    batched = run_iaow("ingest", *map(str, demo_inputs), env=home_env(home))
    assert batched.returncode == 0, batched.stdout + batched.stderr
    assert f"{len(demo_inputs)} inputs: {len(demo_inputs)} published in one publication" in batched.stdout
    return home


def test_one_publication_at_a_time_equals_one_batch_to_the_bit(batch_home, demo_inputs, tmp_path):
    incremental_home = tmp_path / "one at a time"
    one_by_one = subprocess.run([sys.executable, "-c", ONE_AT_A_TIME, *map(str, demo_inputs)], capture_output=True,
                                text=True, cwd=REPO_ROOT, env={**os.environ, **home_env(incremental_home)})
    assert one_by_one.returncode == 0, one_by_one.stdout + one_by_one.stderr

    batch, incremental = (published_tables(home / "warehouse" / "iaow.duckdb") for home in (batch_home, incremental_home))
    assert batch.keys() == incremental.keys()
    for table in batch:
        assert batch[table] == incremental[table], table
    with duckdb.connect(str(batch_home / "warehouse" / "iaow.duckdb"), read_only=True) as connection:
        assert connection.execute("select count(*), any_value(reason) from marts.dim_publication").fetchone() == (1, "batch")


def test_a_lost_warehouse_is_rebuilt_from_the_archive_alone(batch_home):
    published = batch_home / "warehouse" / "iaow.duckdb"
    before = published_tables(published)
    shutil.rmtree(batch_home / "warehouse")

    rebuilt = run_iaow("rebuild", env=home_env(batch_home))

    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "13 inputs loaded" in rebuilt.stdout
    after = published_tables(published)
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    with duckdb.connect(str(published), read_only=True) as connection:
        assert connection.execute("select count(*), any_value(reason) from marts.dim_publication").fetchone() == (1, "rebuild")


def test_a_batch_rejects_what_is_wrong_and_publishes_the_rest_in_one_publication(prefect_server, demo_inputs, tmp_path):
    home = tmp_path / "home"
    hampshire = next(path for path in demo_inputs if path.name == "hampshire-2013")
    first, second, broken = (tmp_path / "sent" / name for name in ("kent-2099", "lincolnshire-2099", "york-2099"))
    for folder, area in ((first, "Kent"), (second, "Lincolnshire"), (broken, "York and North Yorkshire")):
        shutil.copytree(hampshire, folder)
        rewrite_yaml(folder, inspection_id=folder.name, area=area, group_id="iaow-2099-batch-test", position_in_group=1)
    rewrite_yaml(second, position_in_group=2)
    rewrite_yaml(broken, position_in_group=2)  # the position `second` takes earlier in the same batch (name order)
    sent = tmp_path / "sent"

    result = run_iaow("ingest", str(sent), env=home_env(home))

    assert result.returncode == 1, result.stdout + result.stderr
    assert "york-2099: rejected" in result.stderr and "key position_in_group" in result.stderr
    assert "3 inputs: 2 published in one publication" in result.stdout
    with duckdb.connect(str(home / "warehouse" / "iaow.duckdb"), read_only=True) as connection:
        rows = connection.execute("select inspection_id, publication_id from marts.dim_inspection order by 1").fetchall()
    assert [row[0] for row in rows] == ["kent-2099", "lincolnshire-2099"]
    assert rows[0][1] == rows[1][1]
    assert (home / "quarantine" / "york-2099").is_dir()
