"""Seeds are reloaded only when they change: a build on an unchanged project leaves them alone,
a changed fingerprint (a release that edits a seed) reloads every one of them."""

from __future__ import annotations

import duckdb

from flows.config import paths
from flows.storage.transform import SEED_STATE_TABLE, build_warehouse, seeds_fingerprint
from flows.storage.warehouse import stage_next

TAMPER = "update code_lists.answer_values set label = 'tampered' where answer = 'yes'"
LABEL = "select label from code_lists.answer_values where answer = 'yes'"


def test_seeds_are_reloaded_exactly_when_their_fingerprint_changes(demo_home):
    p = paths()
    database = stage_next(p, p.dev_private_db)  # a scratch copy of the published state
    with duckdb.connect(str(database)) as connection:
        assert connection.execute(f"select seeds_sha256 from {SEED_STATE_TABLE}").fetchone() == (seeds_fingerprint(),)
        connection.execute(TAMPER)

    build_warehouse(p, database)  # same fingerprint: seeds skipped, the tampered row stays
    with duckdb.connect(str(database)) as connection:
        assert connection.execute(LABEL).fetchone() == ("tampered",)
        connection.execute(f"update {SEED_STATE_TABLE} set seeds_sha256 = 'an earlier release'")

    build_warehouse(p, database)  # changed fingerprint: every seed reloaded from its file
    with duckdb.connect(str(database)) as connection:
        assert connection.execute(LABEL).fetchone() != ("tampered",)
        assert connection.execute(f"select seeds_sha256 from {SEED_STATE_TABLE}").fetchone() == (seeds_fingerprint(),)
