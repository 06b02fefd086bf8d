"""Publication semantics: identical resubmission is a no-op, a corrected return replaces its
scores, analysts reading the published file are never disturbed, writers queue."""

from __future__ import annotations

import shutil

import duckdb

from flows.config import paths
from tests.return_edits import workbook_from_folder
from tests.support import ingest, sha256_of

TARGET = "placeholder-area-b-2013"


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
    folder = corrected_return(TARGET, "q4.2.7")
    others_before = scores("london-2014")
    before = scores(TARGET)
    outcome = ingest(folder)
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
    folder = corrected_return(TARGET, "q4.2.7")
    reader = duckdb.connect(str(paths().published_db), read_only=True)
    old = reader.execute("select score from marts.fct_outcome_scores where inspection_id = ? and outcome_code = 4", [TARGET]).fetchone()
    outcome = ingest(folder)  # publishes while the reader holds the old file open
    assert outcome.status == "published"
    assert reader.execute(
        "select score from marts.fct_outcome_scores where inspection_id = ? and outcome_code = 4", [TARGET]).fetchone() == old
    reader.close()
    assert scores(TARGET)[4] != old[0]  # a new reader sees the new publication


def test_a_workbook_return_publishes_the_same_scores_as_its_folder_twin(demo_home, tmp_path):
    folder = paths().landing_inspections / "hampshire-2013"
    before = scores("hampshire-2013")
    book = workbook_from_folder(folder, tmp_path / "hampshire-2013.xlsx")
    outcome = ingest(book)
    try:
        assert outcome.status == "published"  # a different file, so a new return ...
        assert scores("hampshire-2013") == before  # ... with exactly the same scores
    finally:
        assert ingest(folder).status == "published"  # the folder is the demo's current return again


def test_a_windows_1252_return_publishes_the_same_scores_as_its_utf8_twin(demo_home, tmp_path):
    from tests.return_edits import case_refs, rename_case_refs

    original = paths().landing_inspections / "hampshire-2013"
    first, second = case_refs(original, 2)
    names = {first: "SYN-HAM-Ó Súilleabháin", second: "SYN-HAM-Désirée £5"}
    twins = {}
    for encoding in ("utf-8", "cp1252"):
        twins[encoding] = rename_case_refs(shutil.copytree(original, tmp_path / encoding / "hampshire-2013"), names, encoding)
    assert (twins["utf-8"] / "cases.csv").read_bytes() != (twins["cp1252"] / "cases.csv").read_bytes()
    before = scores("hampshire-2013")
    try:
        assert ingest(twins["utf-8"]).status == "published"
        utf8 = scores("hampshire-2013")
        assert ingest(twins["cp1252"]).status == "published"
        assert scores("hampshire-2013") == utf8 == before  # names are pseudonymised; scores do not move
        for db in (paths().published_db, paths().private_db):
            assert "Súilleabháin".encode() not in db.read_bytes() and "Súilleabháin".encode("cp1252") not in db.read_bytes()
    finally:
        assert ingest(original).status == "published"


def test_two_writers_at_once_both_publish(corrected_return):
    """Two `iaow ingest` processes started together: one waits for the other; both publish."""
    import subprocess

    from flows.sources.base import content_files
    from flows.storage.archive import content_hash
    from tests.support import IAOW

    copies = [corrected_return(name, "q4.2.7") for name in ("placeholder-area-a-2013", "placeholder-area-e-2014")]
    processes = [subprocess.Popen([*IAOW, "ingest", str(c)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in copies]
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0 and "published" in out, err
    with duckdb.connect(str(paths().published_db), read_only=True) as connection:
        published = dict(connection.execute("select inspection_id, return_sha256 from marts.dim_inspection").fetchall())
    for copy in copies:
        assert published[copy.name] == content_hash(content_files(copy))[0]


def test_a_corrected_return_keeps_the_old_scores_in_history(corrected_return):
    def versions(connection):
        return connection.execute(
            "select score_pct, publication_id, published_at, superseded_at, superseded_by_publication_id, is_current "
            "from marts.fct_outcome_scores_history where inspection_id = ? and outcome_code = 4 order by published_at",
            [TARGET],
        ).fetchall()

    with duckdb.connect(str(paths().published_db), read_only=True) as connection:
        before = versions(connection)
    assert before[-1][5] is True and before[-1][3] is None

    outcome = ingest(corrected_return(TARGET, "q4.2.7"))
    assert outcome.status == "published"
    with duckdb.connect(str(paths().published_db), read_only=True) as connection:
        after = versions(connection)
        published_at = connection.execute(
            "select published_at from marts.dim_publication where publication_id = ?", [outcome.publication_id]).fetchone()[0]
        # the current versions are exactly the current scores
        assert connection.execute(
            "select inspection_id, outcome_code, score, score_pct from marts.fct_outcome_scores_history where is_current "
            "except select inspection_id, outcome_code, score, score_pct from marts.fct_outcome_scores"
        ).fetchall() == []
        assert connection.execute("select count(*) from marts.fct_outcome_scores_history where is_current").fetchone() == \
            connection.execute("select count(*) from marts.fct_outcome_scores").fetchone()
        # outcome 1 does not count q4.2.7, so it keeps its one version... but the return changed: a new version
        assert len(after) == len(before) + 1
    old, new = after[-2], after[-1]
    assert old[:3] == before[-1][:3]  # the version published before is kept as it was
    assert old[3] == published_at and old[4] == outcome.publication_id and old[5] is False
    assert new[1] == outcome.publication_id and new[2] == published_at and new[3] is None and new[5] is True
    assert new[0] > old[0]


def test_what_is_published_is_what_was_archived(corrected_return, monkeypatch):
    """Every step after archiving reads the archived copy: a sender who rewrites the landing
    folder after it was archived changes nothing that is published."""
    import flows.pipeline.examine as pipeline

    folder = corrected_return(TARGET, "q4.2.7")
    archive = pipeline.archive_files

    def archive_then_spoil_the_landing_copy(files, *args, **kwargs):
        archived = archive(files, *args, **kwargs)
        (folder / "answers.csv").write_text("case_ref,question_id,answer\nnot,a,return\n")
        return archived

    monkeypatch.setattr(pipeline, "archive_files", archive_then_spoil_the_landing_copy)
    before = scores(TARGET)
    outcome = ingest(folder)
    assert outcome.status == "published", outcome.summary
    assert scores(TARGET)[4] > before[4]  # the corrected return, as archived


def test_a_step_that_fails_after_the_swap_is_reported_and_finished_by_the_next_run(corrected_return):
    """The disclosure log cannot be written (its folder is a file): the return is still published,
    the CLI says what is left, `iaow status` lists it, and the next run writes it."""
    from flows.storage.publication import Outbox
    from flows.storage.warehouse import latest_publication_id
    from tests.support import run_iaow

    p = paths()
    moved = p.home / "disclosure-set-aside"
    p.disclosure.rename(moved)
    p.disclosure.write_text("not a folder")
    try:
        result = run_iaow("ingest", str(corrected_return(TARGET, "q4.2.7")))
        publication_id = latest_publication_id(p.published_db)
        assert result.returncode == 0, result.stderr
        assert f"published ({publication_id})" in result.stdout
        assert "disclosure log" in result.stdout and "left for the next run" in result.stdout
        assert "is published, but not everything after it was done" in result.stderr
        assert [entry for entry, _ in Outbox(p).pending()] == [publication_id]
        assert f"{publication_id}: disclosure log" in run_iaow("status").stdout
    finally:
        p.disclosure.unlink()
        moved.rename(p.disclosure)

    rerun = ingest(p.landing_inspections / "london-2014")  # any run that takes the writer slot
    assert rerun.status == "unchanged"
    assert Outbox(p).pending() == []
    assert "result_set,results_level" in (p.disclosure / f"{publication_id}.csv").read_text().splitlines()[0]


def test_a_score_sheet_is_current_after_a_plain_iaow_ingest(corrected_return):
    """No worker runs here to react to iaow.scores.published: `iaow ingest` renders the group's
    score sheets itself once its return is published."""
    from tests.support import run_iaow

    result = run_iaow("ingest", str(corrected_return(TARGET, "q4.2.7")))
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(paths().published_db), read_only=True) as connection:
        (published_at,) = connection.execute(
            "select published_at from marts.dim_inspection where inspection_id = ?", [TARGET]).fetchone()
    sheet = (paths().score_sheets / f"{TARGET}.html").read_text()
    assert str(published_at)[:16] in sheet  # rendered from this publication, not an earlier one
