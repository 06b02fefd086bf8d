"""Crashes at the worst moments (a real `iaow ingest` process killed with os._exit): the
published warehouse stays as it was, and a rerun finishes the job exactly once."""

from __future__ import annotations

import duckdb
import pytest

from flows.config import paths
from flows.storage.faults import CRASH_EXIT_CODE, POINTS
from flows.storage.publication import Outbox
from flows.storage.warehouse import latest_publication_id
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
    from flows.sources.base import content_files
    from flows.storage.archive import content_hash

    return_sha256 = content_hash(content_files(folder))[0]
    publications_before = publications_of(return_sha256)
    published_before = sha256_of(p.published_db)
    private_before = sha256_of(p.private_db)

    crashed = run_iaow("ingest", str(folder), env={"IAOW_CRASH_AT": point})

    assert crashed.returncode == CRASH_EXIT_CODE, crashed.stderr
    committed = point in ("after-commit", "before-publish-rename", "after-publish-rename")
    swapped = point == "after-publish-rename"
    assert (sha256_of(p.private_db) != private_before) is committed
    assert (sha256_of(p.published_db) != published_before) is swapped  # analysts see all or nothing

    rerun = ingest(folder)

    assert rerun.status == ("unchanged" if committed else "published")
    assert sha256_of(p.published_db) != published_before
    assert publications_of(return_sha256) == publications_before + 1  # exactly once
    # what the crashed publication owed after its swap (its disclosure log, events, artifact) is delivered
    assert Outbox(p).pending() == []
    assert (p.disclosure / f"{latest_publication_id(p.published_db)}.csv").exists()
