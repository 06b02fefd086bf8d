"""Crashes at the worst moments (a real `iaow ingest` process killed with os._exit): the
published warehouse stays as it was, and a rerun finishes the job exactly once."""

from __future__ import annotations

import duckdb
import pytest

from flows.config import paths
from flows.faults import CRASH_EXIT_CODE, POINTS
from tests.support import ingest, run_iaow, sha256_of

TARGET = "northamptonshire-2013"


def publications_of(return_sha256: str) -> int:
    with duckdb.connect(str(paths().published_db), read_only=True) as connection:
        return connection.execute(
            "select count(*) from marts.dim_publication where return_sha256 = ?", [return_sha256]).fetchone()[0]


@pytest.mark.parametrize("point", POINTS)
def test_crash_leaves_published_file_unchanged_and_rerun_publishes_once(corrected_return, point):
    p = paths()
    folder = corrected_return(TARGET, "q2.1.1")
    from flows.archive import content_hash
    from flows.contract import locate_return

    return_sha256 = content_hash(locate_return(folder))[0]
    publications_before = publications_of(return_sha256)
    published_before = sha256_of(p.published_db)
    private_before = sha256_of(p.private_db)

    crashed = run_iaow("ingest", str(folder), env={"IAOW_CRASH_AT": point})

    assert crashed.returncode == CRASH_EXIT_CODE, crashed.stderr
    assert sha256_of(p.published_db) == published_before
    if point in ("after-commit", "before-publish-rename"):
        assert sha256_of(p.private_db) != private_before  # committed, not yet published
    else:
        assert sha256_of(p.private_db) == private_before

    rerun = ingest(folder)

    assert rerun.status in ("published", "unchanged")
    assert sha256_of(p.published_db) != published_before
    assert publications_of(return_sha256) == publications_before + 1  # exactly once
