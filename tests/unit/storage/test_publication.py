"""The publication protocol, on real DuckDB files and without Prefect or dbt: commit, export,
what a publication owes after the swap, recovery after a crash at each point, and a reader held
open across a swap. The dbt build is replaced by a small function that builds the marts from the
raw zone (the real build is tested end to end); crashes are real: a forked process exits with
os._exit at the named point, as a power cut would end it."""

from __future__ import annotations

import csv
import multiprocessing
import os
from pathlib import Path

import duckdb
import pytest

from flows.config import CRASH_ENV, Paths
from flows.storage.faults import CRASH_EXIT_CODE, POINTS
from flows.storage.publication import Owed, Publisher
from flows.storage.published import PublishedFile, file_identity
from flows.storage.raw_zone import new_publication
from flows.storage.warehouse import latest_publication_id, publication_recorded

EVENT = "event"


def build_marts(p: Paths, database: Path) -> None:
    """Stands in for dbt: marts and the disclosure log, built from the raw zone."""
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema if not exists marts")
        connection.execute("create schema if not exists audit")
        connection.execute("create or replace table marts.dim_publication as "
                           "select publication_id, published_at, reason from raw.publications")
        connection.execute("create or replace table marts.scores (inspection_id varchar primary key, score integer)")
        connection.execute("insert into marts.scores select inspection_id, position_in_group from raw.inspections")
        connection.execute("comment on column marts.scores.score is 'The score, as published.'")
        connection.execute("create or replace table audit.audit_disclosure_log as select 'survey' as result_set, "
                           "'area' as results_level, inspection_id as unit_id, 'q1' as question_id, 'yes' as answer_option, "
                           "'small_count' as reason from raw.inspections")


def failing_build(p: Paths, database: Path) -> None:
    raise RuntimeError("a data test failed")


def loader(inspection_id: str, score: int):
    def load(connection: duckdb.DuckDBPyConnection) -> None:
        connection.execute("delete from raw.inspections where inspection_id = ?", [inspection_id])
        connection.execute(
            "insert into raw.inspections values (?, 'Area', 'group', 'Theme', ?, date '2013-04-01', 'iaow-2013', true, "
            "'sha', now(), 'pub')", [inspection_id, score])
    return load


class Deliveries:
    """Records what was delivered; fails while `failing` is set, as an unreachable server would."""

    def __init__(self, failing: bool = False):
        self.delivered: list[dict] = []
        self.failing = failing

    def event(self, data: dict) -> None:
        if self.failing:
            raise ConnectionError("the Prefect server did not answer")
        self.delivered.append(data)


def publish(p: Paths, inspection_id: str, score: int, deliveries: Deliveries | None = None, build=build_marts):
    deliveries = deliveries or Deliveries()
    run = Publisher(p, {EVENT: deliveries.event}, build=build)
    prepared = run.stage_and_load(new_publication(inspection_id, "sha", "return"), loader(inspection_id, score))
    run.build(prepared)
    owed = [Owed(EVENT, "event iaow.scores.published", {"inspection_id": inspection_id, "score": score})]
    return prepared.publication.publication_id, run.complete(prepared, owed)


def published_scores(p: Paths) -> dict[str, int]:
    with PublishedFile(p.published_db) as published:
        return dict(published.rows("select inspection_id, score from marts.scores"))


def digest(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


@pytest.fixture
def p(tmp_path) -> Paths:
    return Paths(tmp_path / "home")


@pytest.fixture
def published_once(p) -> str:
    publication_id, delivered = publish(p, "first-2013", 1)
    assert delivered.complete
    return publication_id


# ------------------------------------------------------------------ commit and export


def test_a_publication_commits_the_private_file_and_swaps_in_marts_only(p):
    publication_id, delivered = publish(p, "first-2013", 1)

    assert delivered.complete and delivered.done == ["disclosure log", "event iaow.scores.published"]
    assert latest_publication_id(p.private_db) == latest_publication_id(p.published_db) == publication_id
    assert published_scores(p) == {"first-2013": 1}
    with PublishedFile(p.published_db) as published:
        assert {row[0] for row in published.rows("select distinct schema_name from duckdb_tables()")} == {"marts"}
        assert published.describe("scores", "score") == "The score, as published."
    assert not p.outbox.exists() or not any(p.outbox.iterdir())
    with open(p.disclosure / f"{publication_id}.csv", newline="") as handle:
        assert list(csv.DictReader(handle))[0]["unit_id"] == "first-2013"


def test_a_failed_build_changes_nothing(p, published_once):
    before = digest(p.private_db), digest(p.published_db)
    run = Publisher(p, build=failing_build)
    prepared = run.stage_and_load(new_publication("second-2013", "sha", "return"), loader("second-2013", 2))
    with pytest.raises(RuntimeError):
        run.build(prepared)
    run.discard(prepared)
    assert (digest(p.private_db), digest(p.published_db)) == before
    assert not publication_recorded(p.private_db, prepared.publication.publication_id)


# ------------------------------------------------------------------ what is owed after the swap


def test_a_step_that_fails_after_the_swap_is_reported_and_delivered_by_the_next_writer(p, published_once):
    unreachable = Deliveries(failing=True)
    publication_id, delivered = publish(p, "second-2013", 2, unreachable)

    assert published_scores(p) == {"first-2013": 1, "second-2013": 2}  # published: the failure undoes nothing
    assert delivered.done == ["disclosure log"] and [left.label for left in delivered.left] == ["event iaow.scores.published"]
    assert "did not answer" in delivered.describe_left()
    assert Publisher(p).outbox.pending() == [(publication_id, ["event iaow.scores.published"])]

    reachable = Deliveries()
    recovery = Publisher(p, {EVENT: reachable.event}, build=build_marts).recover()

    assert reachable.delivered == [{"inspection_id": "second-2013", "score": 2}]
    assert recovery.exported is None and not recovery.left
    assert Publisher(p).outbox.pending() == []
    Publisher(p, {EVENT: reachable.event}).recover()
    assert len(reachable.delivered) == 1  # exactly once


def test_a_disclosure_log_that_could_not_be_written_is_written_by_the_next_writer(p, published_once):
    p.disclosure.rename(p.home / "disclosure-moved")
    p.disclosure.write_text("a file where the folder should be")
    publication_id, delivered = publish(p, "second-2013", 2)

    assert [left.label for left in delivered.left] == ["disclosure log"]
    assert delivered.done == ["event iaow.scores.published"]  # the rest is still delivered

    p.disclosure.unlink()
    recovery = Publisher(p).recover()
    assert recovery.delivered[0].done == ["disclosure log"]
    assert (p.disclosure / f"{publication_id}.csv").exists()


def test_an_outbox_entry_of_a_publication_never_committed_is_dropped(p, published_once):
    Publisher(p).outbox.create("pub-never-committed", [Owed(EVENT, "event x", {})])
    recovery = Publisher(p).recover()
    assert recovery.dropped == ["pub-never-committed"]
    assert Publisher(p).outbox.entries() == []


# ------------------------------------------------------------------ a crash at each point


def _publish_and_crash(home: str, point: str) -> None:
    os.environ[CRASH_ENV] = point
    publish(Paths(Path(home)), "second-2013", 2)
    os._exit(0)  # not reached at any point of the protocol


def crash_at(p: Paths, point: str) -> int:
    child = multiprocessing.get_context("fork").Process(target=_publish_and_crash, args=(str(p.home), point))
    child.start()
    child.join(30)
    return child.exitcode


@pytest.mark.parametrize("point", POINTS)
def test_a_crash_at_any_point_leaves_a_state_the_next_writer_finishes_exactly_once(p, published_once, point):
    private_before, published_before = digest(p.private_db), digest(p.published_db)

    assert crash_at(p, point) == CRASH_EXIT_CODE

    committed = point in ("after-commit", "before-publish-rename", "after-publish-rename")
    swapped = point == "after-publish-rename"
    assert (digest(p.private_db) != private_before) is committed
    assert (digest(p.published_db) != published_before) is swapped  # analysts see all or nothing

    deliveries = Deliveries()
    recovery = Publisher(p, {EVENT: deliveries.event}, build=build_marts).recover()

    if committed:
        assert published_scores(p) == {"first-2013": 1, "second-2013": 2}
        assert recovery.exported == (None if swapped else latest_publication_id(p.private_db))
        assert deliveries.delivered == [{"inspection_id": "second-2013", "score": 2}]
        assert (p.disclosure / f"{latest_publication_id(p.private_db)}.csv").exists()
    else:
        assert published_scores(p) == {"first-2013": 1}
        assert deliveries.delivered == [] and recovery.dropped == []
        publish(p, "second-2013", 2, deliveries)  # the rerun publishes it
    with PublishedFile(p.published_db) as published:
        assert published.rows("select count(*) from marts.dim_publication") == [(2,)]  # exactly once
    assert Publisher(p).outbox.pending() == []
    assert len(deliveries.delivered) == 1


# ------------------------------------------------------------------ readers


def test_a_reader_holding_the_file_open_keeps_its_version_across_a_swap(p, published_once):
    with PublishedFile(p.published_db) as reader:
        identity = reader.identity
        assert reader.rows("select score from marts.scores") == [(1,)]
        publish(p, "first-2013", 5)  # a correction, published while the reader is open
        assert reader.rows("select score from marts.scores") == [(1,)]
    assert file_identity(p.published_db) != identity
    assert published_scores(p) == {"first-2013": 5}


def test_the_outbox_step_log_survives_a_line_cut_short_and_stays_linear(tmp_path):
    from flows.storage.publication import STEPS_LOG, Outbox

    p = Paths(tmp_path / "home")
    outbox = Outbox(p)
    outbox.create("pub-1", [Owed(EVENT, f"event {n}", {"n": n}) for n in range(3)])
    outbox.mark("pub-1", 0, True)
    log_file = outbox.folder("pub-1") / STEPS_LOG
    with log_file.open("a") as handle:
        handle.write('{"step": 1, "do')  # a crash in the middle of a line
    outbox.mark("pub-1", 2, False, "OSError: disk full")
    steps = outbox.read("pub-1")["steps"]
    assert [(s["done"], s["error"]) for s in steps] == [(True, None), (False, None), (False, "OSError: disk full")]
    assert outbox.pending() == [("pub-1", ["event 1", "event 2"])]
    assert len(log_file.read_text().splitlines()) == 3  # the cut line ended; never glued to the next
    outbox.mark("pub-1", 2, True)
    assert [s["done"] for s in outbox.read("pub-1")["steps"]] == [True, False, True]
