"""`iaow demo` through the real CLI, server, GX and dbt: what analysts get afterwards."""

from __future__ import annotations

import csv
import os
import stat
import subprocess

from flows.config import REPO_ROOT, paths
from tests.reference_scoring import outcome_scores, published_percentage, question_counts

DEMO_IDS = [
    "placeholder-area-a-2013", "placeholder-area-b-2013", "devon-and-cornwall-2013", "hampshire-2013",
    "northumbria-2013", "northamptonshire-2013", "placeholder-area-c-2014", "placeholder-area-d-2014",
    "placeholder-area-e-2014", "london-2014", "placeholder-area-f-2018",
]
BANDED_IDS = ["placeholder-area-f-2018"]

# Analyst interface v1 (CONTRACT.md): these columns must exist with these names.
INTERFACE_V1 = {
    "dim_inspection": ["inspection_id", "area", "group_id", "group_theme", "position_in_group", "fieldwork_start", "methodology", "published_at"],
    "dim_question": ["question_id", "criterion_code", "question_text"],
    "bridge_question_outcome": ["question_id", "outcome_code"],
    "fct_question_scores": ["inspection_id", "question_id", "n_relevant", "n_sufficient", "score"],
    "fct_criterion_scores": ["inspection_id", "criterion_code", "score"],
    "fct_outcome_scores": ["inspection_id", "outcome_code", "outcome_name", "score", "score_pct", "n_questions"],
    "fct_group_outcome_scores": ["group_id", "outcome_code", "n_inspections", "mean_score", "min_score", "max_score", "pooled_score"],
}


def test_every_demo_inspection_is_published(published):
    rows = published.execute("select inspection_id from marts.fct_outcome_scores group by 1").fetchall()
    assert sorted(r[0] for r in rows) == sorted(DEMO_IDS)
    assert published.execute("select count(*) from marts.fct_outcome_scores").fetchone()[0] == 5 * len(DEMO_IDS)


def test_analysts_cli_reads_the_file_read_only(demo_home):
    result = subprocess.run(
        [str(REPO_ROOT / ".venv" / "bin" / "duckdb"), "-readonly", "-csv", str(paths().published_db),
         "select count(*) from marts.fct_outcome_scores"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["count_star()", str(5 * len(DEMO_IDS))]


def test_published_file_holds_only_marts_with_interface_v1(published):
    schemas = {r[0] for r in published.execute("select distinct schema_name from duckdb_tables()").fetchall()}
    assert schemas == {"marts"}
    for table, columns in INTERFACE_V1.items():
        present = [r[0] for r in published.execute(
            "select column_name from duckdb_columns() where schema_name = 'marts' and table_name = ?", [table]).fetchall()]
        assert set(columns) <= set(present), (table, set(columns) - set(present))


def test_every_published_column_is_documented(published):
    undocumented = published.execute(
        "select table_name || '.' || column_name from duckdb_columns() where schema_name = 'marts' and comment is null"
    ).fetchall()
    assert undocumented == []


def test_scores_match_an_independent_reference_for_every_iaow_inspection(published):
    for inspection_id in (i for i in DEMO_IDS if i not in BANDED_IDS):
        counts = question_counts(paths().landing_inspections / inspection_id)
        expected = outcome_scores(counts)
        rows = published.execute(
            "select outcome_code, score, score_pct, n_questions from marts.fct_outcome_scores where inspection_id = ?",
            [inspection_id],
        ).fetchall()
        for outcome_code, score, score_pct, _ in rows:
            assert score_pct == published_percentage(expected[outcome_code]), (inspection_id, outcome_code)
            exact = expected[outcome_code]
            assert score == (None if exact is None else float(exact)), (inspection_id, outcome_code)
        questions = published.execute(
            "select question_id, n_sufficient, n_relevant from marts.fct_question_scores where inspection_id = ?",
            [inspection_id],
        ).fetchall()
        assert {q: (k, n) for q, k, n in questions if n} == {q: kn for q, kn in counts.items() if kn[1]}


def test_groups_show_what_they_have(published):
    rows = dict(published.execute("select group_id, max(n_inspections) from marts.fct_group_outcome_scores group by 1").fetchall())
    assert rows == {"iaow-2013-violent-offending": 6, "iaow-2014-protecting-children": 4, "hmip-2018-case-supervision": 1}


def test_no_personal_data_in_any_warehouse_file(demo_home):
    landing = paths().landing_inspections
    case_refs = {row["case_ref"] for folder in landing.iterdir() for row in csv.DictReader((folder / "cases.csv").open())}
    comments = {
        row["comment"] for folder in landing.iterdir() if (folder / "victim_questionnaire.csv").exists()
        for row in csv.DictReader((folder / "victim_questionnaire.csv").open()) if row["comment"]
    }
    assert case_refs and comments
    for db in (paths().published_db, paths().private_db):
        content = db.read_bytes()
        assert b"SYN-" not in content, db
        for comment in comments:
            assert comment.encode()[:40] not in content, db


def test_raw_returns_are_archived_read_only(demo_home):
    from flows.sources.base import content_files
    from flows.storage.archive import content_hash

    for inspection_id in DEMO_IDS:
        sha256, files = content_hash(content_files(paths().landing_inspections / inspection_id))
        folder = paths().archive / "inspections" / sha256
        assert sorted(p.name for p in folder.iterdir()) == sorted([*files, "receipt.json"])
        for file in folder.iterdir():
            assert not os.stat(file).st_mode & stat.S_IWUSR


def test_analyst_queries_run_on_the_published_file(published):
    queries = sorted((REPO_ROOT / "warehouse" / "queries").glob("*.sql"))
    assert queries
    for query in queries:
        assert published.execute(query.read_text()).fetchall(), query.name


def test_dbt_unit_tests_pass(demo_home):
    from flows.storage.transform import run_dbt
    from flows.storage.warehouse import stage_next

    p = paths()
    result = run_dbt(p, stage_next(p, p.dev_private_db), ["test", "--select", "test_type:unit"])
    assert len(result.results) >= 12


def test_the_banded_demo_inspection_matches_the_reference_rule(published):
    """placeholder-area-f-2018 declares hmip-four-point-bands: scores and ratings follow that rule."""
    from tests import reference_scoring as ref

    for inspection_id in BANDED_IDS:
        answers = [(r["question_id"], r["answer"]) for r in csv.DictReader((paths().landing_inspections / inspection_id / "answers.csv").open())]
        counts = ref.counts_of_answers(answers, "hmip-four-point-bands")
        rows = published.execute(
            "select outcome_code, score_pct, rating, score_rule, ci_low, ci_high from marts.fct_outcome_scores where inspection_id = ?",
            [inspection_id],
        ).fetchall()
        assert len(rows) == 5
        for outcome_code, score_pct, rating, score_rule, ci_low, ci_high in rows:
            expected = ref.outcome_reference("hmip-four-point-bands", outcome_code, counts)
            assert (score_pct, rating, score_rule) == (expected.score_pct, expected.rating, "lowest_key_question"), outcome_code
            assert ci_low <= score_pct / 100 + 0.005 and score_pct / 100 - 0.005 <= ci_high


def test_the_programme_view_shows_the_methodology_break(published):
    rows = published.execute(
        "select distinct programme_position, group_id, methodology_segment, is_methodology_break "
        "from marts.fct_programme_outcome_scores order by 1"
    ).fetchall()
    assert rows == [
        (1, "iaow-2013-violent-offending", 1, False),
        (2, "iaow-2014-protecting-children", 1, False),
        (3, "hmip-2018-case-supervision", 2, True),
    ]
