"""Paths are data, not SQL: a data directory whose path has a quote and a space in it publishes and
reads as any other; a path that cannot be a SQL literal safely is refused; and only
flows/storage/duckdb_sql.py writes a path into SQL text (ATTACH, which takes no parameter)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import pytest

from flows.config import Paths
from flows.storage.duckdb_sql import UnsafePath, attach_read_only, path_literal
from flows.storage.published import PublishedFile, read_published
from flows.storage.warehouse import latest_publication_id
from tests.unit.storage.test_publication import publish, published_scores

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def p(tmp_path) -> Paths:
    return Paths(tmp_path / "o'brien data" / "home's; drop table x; --")


def test_a_whole_publication_runs_in_a_data_directory_with_a_quote_and_a_space(p):
    publication_id, delivered = publish(p, "first-2013", 1)  # export ATTACHes the private file; the outbox COPYs
    assert delivered.complete
    assert latest_publication_id(p.private_db) == latest_publication_id(p.published_db) == publication_id
    assert published_scores(p) == {"first-2013": 1}
    assert read_published(p.published_db, "select score from marts.scores").score.tolist() == [1]
    with open(p.disclosure / f"{publication_id}.csv", newline="") as handle:
        assert list(csv.DictReader(handle))[0]["unit_id"] == "first-2013"

    publish(p, "second-2013", 2)  # recover() and a second export read the same paths
    with PublishedFile(p.published_db) as published:
        assert published.rows("select count(*) from marts.dim_publication") == [(2,)]


def test_attach_read_only_quotes_the_path_and_never_writes(tmp_path):
    database = tmp_path / "it's here" / "a.duckdb"
    database.parent.mkdir()
    with duckdb.connect(str(database)) as connection:
        connection.execute("create table t as select 42 as x")
    with duckdb.connect(":memory:") as connection:
        attach_read_only(connection, database, "src")
        assert connection.execute("select x from src.t").fetchall() == [(42,)]
        with pytest.raises(duckdb.Error):
            connection.execute("insert into src.t values (1)")


@pytest.mark.parametrize("name", ["line\nbreak.duckdb", "carriage\rreturn.duckdb", "nul\0.duckdb"])
def test_a_path_with_a_nul_or_a_line_break_is_refused(tmp_path, name):
    with pytest.raises(UnsafePath):
        path_literal(tmp_path / name)
    with duckdb.connect(":memory:") as connection, pytest.raises(UnsafePath):
        attach_read_only(connection, str(tmp_path) + "/" + name, "src")


def test_an_alias_must_be_a_plain_identifier(tmp_path):
    with duckdb.connect(":memory:") as connection, pytest.raises(ValueError):
        attach_read_only(connection, tmp_path / "a.duckdb", "src (read_only); detach x")


def test_path_literal_doubles_quotes_and_nothing_else():
    assert path_literal("/data/o'brien data/x.duckdb") == "'/data/o''brien data/x.duckdb'"
    assert path_literal(r"C:\new\table") == r"'C:\new\table'"  # no backslash escapes in DuckDB literals


def test_only_duckdb_sql_writes_a_path_into_sql_text():
    attach = re.compile(r"""["']\s*attach\b""", re.IGNORECASE)  # a SQL string starting with ATTACH
    copy_to = re.compile(r"""f["']\s*to\s+\{""", re.IGNORECASE)  # COPY ... f"to {an interpolated path}"
    offenders = []
    for path in sorted((REPO / "flows").rglob("*.py")) + sorted((REPO / "dashboards").rglob("*.py")):
        if path.name == "duckdb_sql.py":
            continue
        text = path.read_text()
        if attach.search(text) or copy_to.search(text):
            offenders.append(str(path.relative_to(REPO)))
    assert offenders == []
