"""The dashboard's read helpers (dashboards/data.py): reading the published file read-only while
publications swap it, and displaying withheld survey cells without a number. No browser, no server."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboards import data


def _publish(path: Path, value: int) -> None:
    """Publish a one-table warehouse the way the publisher does: build aside, then rename."""
    scratch = path.with_name(f".next-{value}.duckdb")
    connection = duckdb.connect(str(scratch))
    connection.execute("CREATE SCHEMA marts")
    connection.execute(f"CREATE TABLE marts.t AS SELECT {value} AS v")
    connection.execute("COMMENT ON COLUMN marts.t.v IS 'The value.'")
    connection.close()
    os.replace(scratch, path)


def _value(path: Path, **kwargs) -> int:
    return int(data.read_published(path, "SELECT v FROM marts.t", **kwargs).v.iloc[0])


def test_a_read_sees_the_file_published_after_it(tmp_path):
    published = tmp_path / "iaow.duckdb"
    _publish(published, 1)
    first = data.file_identity(published)
    assert _value(published) == 1
    _publish(published, 2)
    assert data.file_identity(published) != first
    assert _value(published) == 2


def test_a_connection_still_open_on_the_old_file_does_not_hide_the_new_one(tmp_path):
    # DuckDB shares one instance per path in a process: connect(path) would return the old file.
    published = tmp_path / "iaow.duckdb"
    _publish(published, 1)
    other_session = duckdb.connect(str(published), read_only=True)
    try:
        _publish(published, 2)
        assert _value(published) == 2
    finally:
        other_session.close()


def test_a_read_keyed_on_an_old_identity_refuses_the_new_file(tmp_path):
    published = tmp_path / "iaow.duckdb"
    _publish(published, 1)
    old = data.file_identity(published)
    assert _value(published, identity=old) == 1
    _publish(published, 2)
    with pytest.raises(data.PublishedFileChanged):
        _value(published, identity=old)


def test_the_file_is_never_written(tmp_path):
    published = tmp_path / "iaow.duckdb"
    _publish(published, 1)
    with pytest.raises(duckdb.Error):
        data.read_published(published, "CREATE TABLE marts.u AS SELECT 1")
    assert "u" not in set(data.read_published(published, "SELECT table_name FROM duckdb_tables()").table_name)


def test_a_missing_file_is_reported_as_missing(tmp_path):
    with pytest.raises(data.PublishedFileMissing):
        _value(tmp_path / "iaow.duckdb")


def test_a_failed_open_is_retried_once(tmp_path, monkeypatch):
    published = tmp_path / "iaow.duckdb"
    _publish(published, 1)
    real_read, calls = data._read_once, []

    def flaky(*args):
        calls.append(args)
        if len(calls) == 1:
            raise duckdb.IOException("Could not set lock on file")
        return real_read(*args)

    monkeypatch.setattr(data, "RETRY_DELAY", 0)
    monkeypatch.setattr(data, "_read_once", flaky)
    assert _value(published) == 1
    assert len(calls) == 2


def test_a_path_with_a_quote_is_read(tmp_path):
    folder = tmp_path / "o'brien"
    folder.mkdir()
    _publish(folder / "iaow.duckdb", 3)
    assert _value(folder / "iaow.duckdb") == 3


def test_column_key_takes_each_description_from_the_first_table_that_has_one(tmp_path):
    published = tmp_path / "iaow.duckdb"
    _publish(published, 1)
    comments = data.read_published(published, data.QUERIES["column_comments"])
    key = data.column_key(comments, ["v", "unknown"], ("missing_table", "t"))
    assert key.to_dict("records") == [{"Column": "v", "Description": "The value."},
                                      {"Column": "unknown", "Description": ""}]


def _survey_rows() -> pd.DataFrame:
    return pd.DataFrame({
        "question_id": ["sq_a", "sq_a", "sq_a"],
        "question_text": ["Did it help?"] * 3,
        "answer_option": ["yes", "no", "no_only_recently_started"],
        "survey_year": [2013] * 3,
        "n_respondents": [40, 40, pd.NA],
        "n_option": [35, 4, 7],  # deliberately filled in: the display must blank withheld ones anyway
        "share": [0.875, 0.1, 0.2],
        "suppressed": [False, True, True],
        "suppression_reason": [None, "small_count", "small_denominator"],
        "disclosure_threshold": [10, 10, 10],
    }).astype({"n_respondents": "Int64"})


def test_withheld_cells_carry_no_number():
    cleaned = data.without_withheld_numbers(_survey_rows())
    assert cleaned.n_option.tolist()[1:] == [None, None]
    assert cleaned.share.tolist()[1:] == [None, None]
    assert cleaned.n_respondents.tolist()[2] is None


def test_withheld_cells_are_shown_as_withheld_with_their_reason():
    table = data.responses_table(_survey_rows(), "survey_year")
    assert table.loc[0, ["Respondents", "Chose it", "Share", "Why withheld"]].tolist() == ["40", "35", "87.5%", ""]
    assert table.loc[1, ["Chose it", "Share", "Why withheld"]].tolist() == ["withheld", "withheld", "fewer than 10 chose it"]
    assert table.loc[2, ["Respondents", "Why withheld"]].tolist() == ["fewer than 10", "fewer than 10 responded"]
    withheld_rows = table.loc[1:, ["Chose it", "Share"]].to_numpy().ravel()
    assert not any(ch.isdigit() for cell in withheld_rows for ch in cell)


@pytest.mark.parametrize(("fraction", "shown"), [(0.825, "83%"), (0.8249, "82%"), (1.0, "100%"), (None, "–")])
def test_whole_percent_rounds_half_up(fraction, shown):
    assert data.whole_percent(fraction) == shown


def test_intervals_and_differences_read_in_percent():
    assert data.interval(0.7412, 0.8563) == "74–86%"
    assert data.points(-0.11) == "-11.0 pp"
    assert data.context_difference(-7.9, "percent") == "-7.9 pp"
    assert data.context_difference(-55355900.0, "persons") == "-55,355,900"


def test_the_app_says_so_when_nothing_is_published(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("IAOW_HOME", str(tmp_path))
    app = AppTest.from_file(str(Path(data.__file__).with_name("app.py")), default_timeout=30).run()
    assert not app.exception
    assert "Nothing has been published yet" in app.error[0].value

