"""Offender surveys, victim questionnaires and context reach the published marts, under
disclosure control; free text never leaves the raw archive.

The disclosure rule is checked here independently of the dbt test that enforces it at build
time: on the published file, as an analyst would read it, over generated small-area data.
"""

from __future__ import annotations

import csv
import random
import shutil
import uuid
from collections import defaultdict

import duckdb
import pytest

from flows.config import paths
from flows.core.catalogue import load_catalogue
from flows.demo import DEMO_INSPECTIONS
from tests.disclosure import THRESHOLD, disclosure_breaches, small_area_responses, write_delivery
from tests.support import ingest, sha256_of


def published_rows(sql: str, params: list | None = None) -> list[dict]:
    with duckdb.connect(str(paths().published_db), read_only=True) as connection:
        cursor = connection.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# ---------------------------------------------------------------- the demo programme


def test_demo_publishes_surveys_victims_and_context_for_every_inspection(demo_home):
    inspections = {i.inspection_id for i in DEMO_INSPECTIONS}
    with_victims = {r["inspection_id"] for r in published_rows("select distinct inspection_id from marts.fct_victim_results where inspection_id is not null")}
    with_context = {r["inspection_id"] for r in published_rows("select distinct inspection_id from marts.dim_area_context where national_value is not null")}
    assert with_victims == inspections
    assert with_context == inspections

    surveys = published_rows("select survey_id, survey_year, n_areas from marts.dim_survey order by survey_id")
    assert [(s["survey_id"], s["survey_year"]) for s in surveys] == [("noms-offender-survey-2012", 2012), ("noms-offender-survey-2013", 2013)]
    assert all(s["n_areas"] == 14 for s in surveys)
    hampshire = published_rows(
        "select answer_option, n_respondents, n_option from marts.fct_survey_results "
        "where survey_id = 'noms-offender-survey-2012' and area = 'Hampshire' and question_id = 'sq_more_help_with'"
    )
    assert {r["n_respondents"] for r in hampshire} == {565}  # the report: 565 responses for 2012
    assert {r["answer_option"] for r in hampshire} == set(load_catalogue().survey_questions[2].answer_options)

    # The violent offending group is complete and every area in it has fewer than 10 victim
    # respondents: all six are published pooled, each alone is withheld.
    pool = published_rows("select distinct group_id, n_inspections_pooled, n_respondents from marts.fct_victim_results where results_level = 'group_pool'")
    assert [(r["group_id"], r["n_inspections_pooled"]) for r in pool] == [("iaow-2013-violent-offending", 6)]
    assert pool[0]["n_respondents"] >= THRESHOLD
    alone = published_rows("select bool_and(suppressed) as all_withheld from marts.fct_victim_results where inspection_id = 'hampshire-2013'")
    assert alone == [{"all_withheld": True}]

    context = published_rows(
        "select value, national_value, difference_from_national from marts.dim_area_context "
        "where inspection_id = 'hampshire-2013' and measure = 'caseload_minority_ethnic_pct'"
    )
    assert context == [{"value": 6.9, "national_value": 19.7, "difference_from_national": -12.8}]


def test_no_published_cell_of_the_demo_breaks_the_disclosure_rule(demo_home):
    assert disclosure_breaches(published_rows("select * from marts.fct_survey_results"), ("survey_id", "area")) == []
    assert disclosure_breaches(published_rows("select * from marts.fct_victim_results"), ("results_level", "inspection_id", "group_id")) == []


# ---------------------------------------------------------------- generated small areas


@pytest.mark.parametrize("seed", [1, 2])
def test_no_published_cell_breaks_the_rule_on_generated_small_areas(demo_home, tmp_path, seed):
    survey_id = f"small-areas-survey-{seed}"
    rows = small_area_responses(seed)
    outcome = ingest(write_delivery(tmp_path / survey_id, survey_id, rows))
    assert outcome.status == "published", outcome.summary

    published = published_rows("select * from marts.fct_survey_results where survey_id = ?", [survey_id])
    assert len({r["area"] for r in published}) == 35
    assert disclosure_breaches(published, ("survey_id", "area")) == []
    # The data really was small: the rule had work to do, of every kind.
    reasons = {r["suppression_reason"] for r in published}
    assert {"small_denominator", "small_count", "secondary"} <= reasons
    # What is published is exact: recount the published cells from the generated rows.
    counts: dict[tuple, int] = defaultdict(int)
    single = {q.question_id: i for i, q in enumerate(load_catalogue().survey_questions) if q.answer_type == "single"}
    for row in rows:
        for question_id, index in single.items():
            counts[row[1], question_id, row[2 + index] or "blank"] += 1
    for cell in published:
        if cell["question_id"] in single and not cell["suppressed"]:
            assert cell["n_option"] == counts[cell["area"], cell["question_id"], cell["answer_option"]]


def test_the_disclosure_log_names_what_was_withheld_and_no_counts(demo_home):
    p = paths()
    with duckdb.connect(str(p.published_db), read_only=True) as connection:
        (publication_id,) = connection.execute(
            "select publication_id from marts.dim_publication order by published_at desc limit 1").fetchone()
        withheld = connection.execute(
            "select count(*) filter (where suppressed) from marts.fct_survey_results").fetchone()[0] + connection.execute(
            "select count(*) filter (where suppressed) from marts.fct_victim_results").fetchone()[0]
    log = p.disclosure / f"{publication_id}.csv"
    with open(log, newline="") as handle:
        entries = list(csv.DictReader(handle))
    assert len(entries) == withheld > 0
    assert set(entries[0]) == {"publication_id", "published_at", "result_set", "results_level", "unit_id", "question_id",
                               "answer_option", "suppression_reason", "disclosure_threshold"}
    assert {e["publication_id"] for e in entries} == {publication_id}
    # Analysts' file holds the results, not the log.
    assert published_rows("select count(*) as n from duckdb_tables() where schema_name <> 'marts'") == [{"n": 0}]


# ---------------------------------------------------------------- free text, small inspections


def test_a_planted_comment_appears_nowhere_in_the_published_file(demo_home, tmp_path):
    """A victim's comment is kept in the raw archive only; the same return's generated victims
    (15, answers skewed) also exercise disclosure control at inspection level."""
    p = paths()
    original = p.landing_inspections / "london-2014"
    folder = tmp_path / "london-2014"
    shutil.copytree(original, folder)
    planted = f"PLANTED-COMMENT-{uuid.uuid4().hex}"
    questions = load_catalogue().victim_questions
    rng = random.Random(7)
    with open(folder / "victim_questionnaire.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["respondent_id", *[q.question_id for q in questions], "comment"])
        for number in range(15):
            answers = [rng.choices(q.answer_options, [0.85] + [0.15] * (len(q.answer_options) - 1))[0] for q in questions]
            writer.writerow([f"V{number}", *answers, planted if number == 3 else ""])
    try:
        outcome = ingest(folder)
        assert outcome.status == "published", outcome.summary

        for database in (p.published_db, p.private_db):
            assert planted.encode() not in database.read_bytes()
            with duckdb.connect(str(database), read_only=True) as connection:
                text_columns = connection.execute(
                    "select schema_name, table_name, column_name from duckdb_columns() "
                    "where data_type = 'VARCHAR' and not internal and schema_name not in ('information_schema', 'pg_catalog')"
                ).fetchall()
                for schema, table, column in text_columns:
                    hits = connection.execute(
                        f'select count(*) from "{schema}"."{table}" where "{column}" like ?', [f"%{planted}%"]).fetchone()[0]
                    assert hits == 0, f"{schema}.{table}.{column}"
        archived = p.archive / "inspections" / outcome.return_sha256 / "victim_questionnaire.csv"
        assert planted in archived.read_text()  # the plant was real: the archive keeps what was sent

        london = published_rows("select * from marts.fct_victim_results where inspection_id = 'london-2014'")
        assert {r["n_respondents"] for r in london} == {15}
        assert disclosure_breaches(london, ("results_level", "inspection_id", "group_id")) == []
        assert {"small_count", "secondary"} <= {r["suppression_reason"] for r in london}
    finally:
        assert ingest(original).status == "published"


# ---------------------------------------------------------------- deliveries as users send them


def test_an_identical_delivery_changes_nothing(demo_home):
    p = paths()
    before = (sha256_of(p.published_db), sha256_of(p.private_db))
    outcome = ingest(p.landing_surveys / "noms-offender-survey-2012")
    assert outcome.status == "unchanged"
    assert "565" not in outcome.summary and "responses from 14 areas" in outcome.summary
    assert (sha256_of(p.published_db), sha256_of(p.private_db)) == before


def test_a_delivery_naming_an_unknown_area_is_rejected_and_nothing_changes(demo_home, tmp_path):
    p = paths()
    folder = tmp_path / "noms-offender-survey-2012"
    shutil.copytree(p.landing_surveys / "noms-offender-survey-2012", folder)
    lines = (folder / "responses.csv").read_text().splitlines()
    fields = lines[3].split(",")
    fields[1] = "Atlantis"
    lines[3] = ",".join(fields)
    (folder / "responses.csv").write_text("\n".join(lines) + "\n")
    before = (sha256_of(p.published_db), sha256_of(p.private_db))

    outcome = ingest(folder)

    assert outcome.status == "rejected"
    described = [f.describe() for f in outcome.findings]
    assert any(d.startswith("responses.csv, row 4, column area: must be a known area") for d in described), described
    assert (sha256_of(p.published_db), sha256_of(p.private_db)) == before
    assert "Atlantis" not in (outcome.report_folder / "report.md").read_text()
