"""Publication semantics: identical resubmission is a no-op, a corrected return replaces its
scores, and analysts reading the published file are never disturbed."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from flows.config import paths
from tests.support import ingest, sha256_of
from tests.return_edits import rewrite_csv

TARGET = "placeholder-area-b-2013"


@pytest.fixture
def corrected_return(demo_home, tmp_path):
    """Placeholder Area B's return with every `no` of one question turned into `yes`; the
    original is re-ingested afterwards so that other tests see the demo state."""
    original = paths().landing_inspections / TARGET
    folder = tmp_path / TARGET
    shutil.copytree(original, folder)

    def correct(rows):
        for row in rows[1:]:
            if row[1] == "q4.2.7" and row[2] == "no":
                row[2] = "yes"

    rewrite_csv(folder / "answers.csv", correct)
    yield folder
    assert ingest(original).status in ("published", "unchanged")


def scores(inspection_id: str) -> dict[int, float]:
    with duckdb.connect(str(paths().published_db), read_only=True) as connection:
        return dict(connection.execute(
            "select outcome_code, score from marts.fct_outcome_scores where inspection_id = ?", [inspection_id]).fetchall())


def test_identical_resubmission_changes_nothing(demo_home):
    p = paths()
    before = (sha256_of(p.published_db), sha256_of(p.private_db))
    outcome = ingest(p.landing_inspections / "london-2014")
    assert outcome.status == "unchanged"
    assert [pct for _, _, pct in outcome.scores] != []
    assert (sha256_of(p.published_db), sha256_of(p.private_db)) == before


def test_corrected_return_replaces_its_scores_only(corrected_return):
    others_before = scores("london-2014")
    before = scores(TARGET)
    outcome = ingest(corrected_return)
    assert outcome.status == "published"
    after = scores(TARGET)
    assert after[4] > before[4]  # q4.2.7 counts toward Protecting the public
    assert after[1] == before[1]
    assert scores("london-2014") == others_before
    with duckdb.connect(str(paths().published_db), read_only=True) as connection:
        assert connection.execute(
            "select count(*) from marts.dim_inspection where inspection_id = ?", [TARGET]).fetchone() == (1,)
        assert connection.execute(
            "select publication_id from marts.dim_inspection where inspection_id = ?", [TARGET]).fetchone() == (outcome.publication_id,)


def test_a_reader_with_the_file_open_is_not_disturbed_by_a_publication(corrected_return):
    reader = duckdb.connect(str(paths().published_db), read_only=True)
    old = reader.execute("select score from marts.fct_outcome_scores where inspection_id = ? and outcome_code = 4", [TARGET]).fetchone()
    outcome = ingest(corrected_return)  # publishes while the reader holds the old file open
    assert outcome.status == "published"
    assert reader.execute(
        "select score from marts.fct_outcome_scores where inspection_id = ? and outcome_code = 4", [TARGET]).fetchone() == old
    reader.close()
    assert scores(TARGET)[4] != old[0]  # a new reader sees the new publication
