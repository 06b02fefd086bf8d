"""The marts served from a real PostgreSQL server: the same tables, columns, keys, comments and
rows as the published file; a read-only role that sees nothing else; every analyst query; and a
serving database that is down never blocks or undoes a publication, and is caught up later.

Works in a data directory of its own, copied from the demo's published state."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import psycopg
import pytest

from flows.config import REPO_ROOT, paths
from tests.postgres import fresh_database
from tests.return_edits import rewrite_csv
from tests.support import copy_published_home, run_iaow

PASSWORD = "s3rving-Pa55word"
READER = "iaow_analyst"


@pytest.fixture(scope="module")
def serving(demo_home, postgres_url, tmp_path_factory) -> tuple[Path, str]:
    """(data directory, serving database URL with a password-bearing owner)."""
    database = fresh_database(postgres_url, "iaow_serving")
    with psycopg.connect(database, autocommit=True) as connection:
        connection.execute(f"create role iaow_loader login createrole password '{PASSWORD}'")
        connection.execute("grant create on database iaow_serving to iaow_loader")
        connection.execute("create table public.secret_table (x integer)")  # what the analysts' role must not see
    host = database.split("@", 1)[1]
    url = f"postgresql://iaow_loader:{PASSWORD}@{host}"
    return copy_published_home(paths().home, tmp_path_factory.mktemp("serving home")), url


def iaow(home: Path, url: str, *args: str):
    return run_iaow(*args, env={"IAOW_HOME": str(home), "IAOW_SERVING_URL": url})


def duckdb_rows(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse" / "iaow.duckdb"), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_serve_refresh_loads_every_mart_with_its_keys_comments_and_rows(serving):
    home, url = serving
    result = iaow(home, url, "serve", "--refresh")
    assert result.returncode == 0, result.stderr
    assert "serving database up to date" in result.stdout
    tables = {name for (name,) in duckdb_rows(home, "select table_name from duckdb_tables() where schema_name = 'marts'")}
    with psycopg.connect(url) as connection:
        served = {row[0] for row in connection.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()}
        assert served == tables
        for table in sorted(tables):
            (count,) = duckdb_rows(home, f"select count(*) from marts.{table}")[0]
            assert connection.execute(f"select count(*) from marts.{table}").fetchone()[0] == count, table
        # Values exactly as published, doubles included.
        query = "select inspection_id, outcome_code, score, score_pct, ci_low, ci_high, rating from marts.fct_outcome_scores order by 1, 2"
        assert connection.execute(query).fetchall() == duckdb_rows(home, query)
        keys = connection.execute(
            "select kcu.column_name from information_schema.table_constraints tc join information_schema.key_column_usage kcu "
            "using (constraint_schema, constraint_name) where tc.table_schema = 'marts' and tc.table_name = 'dim_inspection' "
            "and tc.constraint_type = 'PRIMARY KEY'").fetchall()
        assert keys == [("inspection_id",)]
        types = dict(connection.execute(
            "select column_name, data_type from information_schema.columns where table_schema = 'marts' "
            "and table_name = 'dim_inspection'").fetchall())
        assert types["fieldwork_start"] == "date" and types["n_cases"] == "bigint" and types["published_at"].startswith("timestamp")
        assert connection.execute("select col_description('marts.fct_outcome_scores'::regclass, 4)").fetchone()[0]
        leftovers = connection.execute("select nspname from pg_namespace where nspname like 'marts_%'").fetchall()
        assert leftovers == []


def test_the_analysts_role_reads_marts_and_nothing_else(serving):
    home, url = serving
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"create role alice login password 'alice-pw' in role {READER}")
    alice = url.replace(f"iaow_loader:{PASSWORD}", "alice:alice-pw")
    with psycopg.connect(alice, autocommit=True) as connection:
        assert connection.execute("select count(*) from marts.fct_outcome_scores").fetchone()[0] > 0
        for statement in ("select * from public.secret_table", "create table marts.mine (x int)",
                          "delete from marts.dim_inspection", "create table public.mine (x int)"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute(statement)


def test_every_analyst_query_runs_on_the_serving_database(serving):
    home, url = serving
    folder = REPO_ROOT / "warehouse" / "queries"
    alice = url.replace(f"iaow_loader:{PASSWORD}", "alice:alice-pw")
    with psycopg.connect(alice, autocommit=True) as connection:
        for query in sorted(folder.glob("*.sql")):
            version = folder / "postgresql" / query.name
            text = (version if version.exists() else query).read_text(encoding="utf-8")
            code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
            for statement in (part for part in code.split(";") if part.strip()):
                assert connection.execute(statement).fetchall(), f"{query.name} returned nothing on PostgreSQL"


def correct(home: Path, tmp_path: Path, question: str) -> Path:
    folder = tmp_path / "hampshire-2013"
    shutil.copytree(paths().landing_inspections / "hampshire-2013", folder)

    def change(rows):
        for row in rows[1:]:
            if row[1] == question and row[2] == "no":
                row[2] = "yes"

    rewrite_csv(folder / "answers.csv", change)
    return folder


def served_publication(url: str) -> str:
    with psycopg.connect(url) as connection:
        return connection.execute("select publication_id from marts.dim_publication order by published_at desc limit 1").fetchone()[0]


def published_publication(home: Path) -> str:
    return duckdb_rows(home, "select publication_id from marts.dim_publication order by published_at desc limit 1")[0][0]


def test_a_down_serving_database_never_blocks_a_publication_and_is_caught_up(serving, tmp_path):
    home, url = serving
    down = url.rsplit(":", 1)[0] + ":1/iaow_serving"  # nothing listens on port 1
    published = iaow(home, down, "ingest", str(correct(home, tmp_path, "q4.2.7")))
    assert published.returncode == 0, published.stderr
    assert "serving database" in published.stdout + published.stderr  # said to be left for later
    assert PASSWORD not in published.stdout + published.stderr
    new = published_publication(home)
    assert served_publication(url) != new  # the publication stands; serving is behind

    status = iaow(home, down, "status")
    assert status.returncode == 0 and "serving database: unreachable" in status.stdout
    assert PASSWORD not in status.stdout + status.stderr
    behind = iaow(home, url, "status")
    assert f"serving database: BEHIND: holds {served_publication(url)}, published is {new}" in behind.stdout

    refreshed = iaow(home, url, "serve", "--refresh")
    assert refreshed.returncode == 0, refreshed.stderr
    assert served_publication(url) == new
    assert f"serving database: up to date ({new})" in iaow(home, url, "status").stdout


def test_each_publication_replaces_the_served_marts(serving, tmp_path):
    home, url = serving
    result = iaow(home, url, "ingest", str(correct(home, tmp_path, "q4.2.8")))
    assert result.returncode == 0, result.stderr
    assert "not yet done" not in result.stdout + result.stderr  # everything owed was delivered
    assert served_publication(url) == published_publication(home)
    query = "select inspection_id, outcome_code, score_pct from marts.fct_outcome_scores order by 1, 2"
    with psycopg.connect(url) as connection:
        assert connection.execute(query).fetchall() == duckdb_rows(home, query)
