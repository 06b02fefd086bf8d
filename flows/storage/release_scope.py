"""The warehouse as a release may see it: the committed private warehouse without the inspections
under embargo, rebuilt by dbt.

A release must hold no figure computed from an embargoed inspection, and a group's aggregates
and funnel limits are computed from all its published inspections. So the release is not cut
from the published marts: the raw rows of embargoed inspections are deleted from a scratch copy
of the private warehouse and dbt rebuilds every layer, with the same formulas as a publication.
The copy lives in `warehouse/.release/` (owner only), never under `releases/`.

With nothing under embargo, the committed build already is the release's: no rebuild.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from flows.config import Paths
from flows.storage.transform import build_warehouse
from flows.storage.warehouse import stage_next


class NothingPublished(Exception):
    """There is no private warehouse yet: nothing has been published to release."""


def build_release_scope(p: Paths, embargoed: set[str], key: str, tables: Sequence[str],
                        on_progress: Callable[[int, int], None] | None = None) -> Path:
    """A scratch warehouse whose marts are built without the `embargoed` ids' rows (column `key`
    of raw `tables`, and their publication records). Returns its path; `discard_release_scope`
    removes it."""
    if not p.private_db.exists():
        raise NothingPublished(f"nothing is published yet ({p.private_db})")
    # A commit renames a new file over private.duckdb: the file copied here stays one version.
    target = stage_next(p, p.release_scope_db)
    if not embargoed:
        return target
    ids = sorted(embargoed)
    with duckdb.connect(str(target)) as connection:
        connection.execute("begin")
        for table in (*tables, "publications"):
            connection.execute(f"delete from raw.{table} where {key} in (select unnest(?::varchar[]))", [ids])
        connection.execute("commit")
    build_warehouse(p, target, on_progress, target=p.release_dbt_target)
    return target


def discard_release_scope(p: Paths) -> None:
    shutil.rmtree(p.release_scope_db.parent, ignore_errors=True)
