"""The dashboard's queries and display tables (dashboards/data.py): it reads the published file
only through flows.storage.published (while publications swap it), writes every figure through
flows.core.figures (as the report does), and displays withheld survey cells without a number.
No browser, no server."""

from __future__ import annotations

import ast
import os
import types
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboards import data
from flows.storage import published as storage

DASHBOARDS = Path(data.__file__).parent


def _publish(path: Path, reason: str) -> None:
    """Publish a warehouse of one mart the way the publisher does: build aside, then rename."""
    scratch = path.with_name(f".next-{reason}.duckdb")
    connection = duckdb.connect(str(scratch))
    connection.execute("CREATE SCHEMA marts")
    connection.execute("CREATE TABLE marts.dim_publication AS "
                       "SELECT 'pub-1' AS publication_id, TIMESTAMPTZ '2026-11-22 12:00:00+00' AS published_at, ? AS reason",
                       [reason])
    connection.execute("COMMENT ON COLUMN marts.dim_publication.reason IS 'Why it was published.'")
    connection.close()
    os.replace(scratch, path)


def _reason(path: Path, **kwargs) -> str:
    return data.query(path, "latest_publication", **kwargs).reason.iloc[0]


def test_the_dashboard_reads_only_through_the_storage_reader():
    assert data.read_published is storage.read_published
    for path in DASHBOARDS.glob("*.py"):
        source = path.read_text()
        assert "duckdb.connect" not in source and "attach " not in source.lower(), f"{path.name} opens the file itself"
    assert "duckdb" not in {alias.name for node in ast.walk(ast.parse((DASHBOARDS / "data.py").read_text()))
                            if isinstance(node, ast.Import) for alias in node.names}


def test_a_read_sees_the_file_published_after_it(tmp_path):
    published = tmp_path / "iaow.duckdb"
    _publish(published, "first")
    first = storage.file_identity(published)
    assert _reason(published) == "first"
    _publish(published, "second")
    assert storage.file_identity(published) != first
    assert _reason(published) == "second"


def test_a_connection_still_open_on_the_old_file_does_not_hide_the_new_one(tmp_path):
    # DuckDB shares one instance per path in a process: connect(path) would return the old file.
    published = tmp_path / "iaow.duckdb"
    _publish(published, "first")
    other_session = duckdb.connect(str(published), read_only=True)
    try:
        _publish(published, "second")
        assert _reason(published) == "second"
    finally:
        other_session.close()


def test_a_read_keyed_on_an_old_identity_refuses_the_new_file(tmp_path):
    published = tmp_path / "iaow.duckdb"
    _publish(published, "first")
    old = storage.file_identity(published)
    assert _reason(published, identity=old) == "first"
    _publish(published, "second")
    with pytest.raises(storage.PublishedFileChanged):
        _reason(published, identity=old)


def test_a_missing_file_is_reported_as_missing(tmp_path):
    with pytest.raises(storage.PublishedFileMissing):
        _reason(tmp_path / "iaow.duckdb")


def test_a_path_with_a_quote_is_read(tmp_path):
    folder = tmp_path / "o'brien"
    folder.mkdir()
    _publish(folder / "iaow.duckdb", "quoted")
    assert _reason(folder / "iaow.duckdb") == "quoted"


def test_column_key_takes_each_description_from_the_first_table_that_has_one(tmp_path):
    published = tmp_path / "iaow.duckdb"
    _publish(published, "first")
    comments = data.query(published, "column_comments")
    key = data.column_key(comments, ["reason", "unknown"], ("missing_table", "dim_publication"))
    assert key.to_dict("records") == [{"Column": "reason", "Description": "Why it was published."},
                                      {"Column": "unknown", "Description": ""}]


def _survey_rows() -> pd.DataFrame:
    return pd.DataFrame({
        "question_id": ["sq_a", "sq_a", "sq_a", "sq_a"],
        "question_text": ["Did it help?"] * 4,
        "answer_option": ["yes", "no", "no_only_recently_started", "blank"],
        "survey_year": [2013] * 4,
        "n_respondents": [40, 40, pd.NA, 1200],
        "n_option": [35, 4, 7, 1150],  # deliberately filled in: the display must blank withheld ones anyway
        "share": [0.875, 0.1, 0.2, 0.95833],
        "suppressed": [False, True, True, False],
        "suppression_reason": [None, "small_count", "small_denominator", None],
        "disclosure_threshold": [10, 10, 10, 10],
    }).astype({"n_respondents": "Int64"})


def test_withheld_cells_carry_no_number():
    cleaned = data.without_withheld_numbers(_survey_rows())
    assert cleaned.n_option.tolist()[1:3] == [None, None]
    assert cleaned.share.tolist()[1:3] == [None, None]
    assert cleaned.n_respondents.tolist()[2] is None


def test_withheld_cells_are_shown_as_withheld_with_their_reason():
    table = data.responses_table(_survey_rows(), "survey_year")
    assert table.loc[0, ["Respondents", "Chose it", "Share", "Why withheld"]].tolist() == ["40", "35", "87.5%", ""]
    assert table.loc[1, ["Chose it", "Share", "Why withheld"]].tolist() == ["withheld", "withheld", "fewer than 10 chose it"]
    assert table.loc[2, ["Respondents", "Why withheld"]].tolist() == ["fewer than 10", "fewer than 10 responded"]
    assert table.loc[3, ["Respondents", "Chose it", "Share"]].tolist() == ["1,200", "1,150", "95.8%"]
    withheld_rows = table.loc[1:2, ["Chose it", "Share"]].to_numpy().ravel()
    assert not any(ch.isdigit() for cell in withheld_rows for ch in cell)


def test_intervals_are_rounded_half_up_on_their_exact_value():
    # 0.725 is stored as 0.72499999999999997779...: 72, where "times 100, add a half, floor" said 73;
    # 0.72451 is 72 (rounded through 72.5 it would be 73); 0.875 is 88; 0.625 is 63 (half to even: 62).
    areas = pd.DataFrame({
        "area": ["A", "B"], "inspection_id": ["a", "b"], "n_cases": [85, 1234], "score_pct": [79, pd.NA],
        "ci_low": [0.725, None], "ci_high": [0.875, None], "rest_of_group_score_pct": [81, None],
        "difference": [-0.0125, None], "lower_95": [0.72451, None], "upper_95": [0.625, None], "funnel_position": ["within limits", None],
    })
    table = data.group_table(areas)
    assert table.loc[0].tolist() == ["A", "a", "85", "79%", "72–88%", "81%", "-1.3 pp", "72–63%", "within limits"]
    assert table.loc[1].tolist() == ["B", "b", "1,234", "–", "–", "–", "–", "–", "no comparison"]


def test_the_question_drilldown_shows_numerators_denominators_and_intervals():
    questions = pd.DataFrame({
        "question_id": ["q1.1.1"], "criterion_code": ["1.1"], "question_text": ["Was it done?"], "n_sufficient": [39],
        "n_relevant": [50], "n_not_applicable": [35], "score_pct": [78], "ci_low": [0.6462], "ci_high": [0.8725],
        "is_criterion_outcome": [True],
    })
    assert data.drilldown_table(questions).loc[0].tolist() == [
        "q1.1.1", "1.1", "Was it done?", "39 / 50", "35", "78%", "65–87%", "own criterion"]


def test_the_group_size_is_the_catalogues(monkeypatch):
    programme = pd.DataFrame({
        "programme_position": [1, 2], "group_theme": ["Violent offending", "Children"], "group_id": ["g1", "g2"],
        "n_inspections": [6, 4], "is_complete": [True, False], "methodology": ["m", "m"], "is_methodology_break": [False, False],
        "pooled_score_pct": [79, 70], "mean_score": [0.785, 0.7], "min_score": [0.65, 0.6], "max_score": [0.85, 0.8],
    })
    table = data.programme_table(programme)
    assert table.Inspections.tolist() == ["6 of 6", "4 of 6, in progress"]
    assert table["Mean of areas"].tolist() == ["79%", "70%"]  # 0.785 is 0.78500000000000003108...
    assert table["Range of areas"].tolist() == ["65–85%", "60–80%"]
    monkeypatch.setattr(data, "load_catalogue", lambda: types.SimpleNamespace(group_size=8))
    assert data.programme_table(programme).Inspections.tolist() == ["6 of 8", "4 of 8, in progress"]


def test_context_figures_read_in_their_unit():
    context = pd.DataFrame({
        "measure_label": ["Unemployment", "Population"], "unit": ["percent", "persons"], "value": [7.25, 1317800.0],
        "geography": ["Hampshire", "Hampshire"], "period": ["2012", "2011"], "national_value": [7.9, 56075912.0],
        "national_geography": ["England and Wales", "England and Wales"], "national_period": ["2012", "2011"],
        "difference_from_national": [-0.65, -54758112.0], "source": ["ONS", None],
    })
    table = data.context_table(context)
    assert table.loc[0, ["Area", "England and Wales", "Difference"]].tolist() == ["7.3%", "7.9%", "-0.7 pp"]
    assert table.loc[1, ["Area", "England and Wales", "Difference"]].tolist() == ["1,317,800", "56,075,912", "-54,758,112"]
    assert table.loc[0, "Area's figure for"] == "Hampshire, 2012"


def test_history_shows_versions_in_utc():
    history = pd.DataFrame({
        "inspection_id": ["h"], "published_at": [pd.Timestamp("2026-11-22 13:00", tz="Europe/Paris")],
        "superseded_at": [pd.NaT], "score_pct": [79], "ci_low": [0.72], "ci_high": [0.85], "n_questions": [25],
        "methodology": ["m"],
    })
    assert data.history_table(history).loc[0].tolist() == ["h", "2026-11-22 12:00 UTC", "current", "79%", "72–85%", "25", "m"]


def test_the_app_says_so_when_nothing_is_published(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("IAOW_HOME", str(tmp_path))
    app = AppTest.from_file(str(DASHBOARDS / "app.py"), default_timeout=30).run()
    assert not app.exception
    assert "Nothing has been published yet" in app.error[0].value
