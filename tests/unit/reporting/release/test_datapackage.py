"""The release's datapackage.json describes its CSVs as they are written (and validates against
them, offline), declares "" missing everywhere and the missing-value markers on number fields,
and keeps the status column's markers as values."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import frictionless
import pytest

from flows.reporting.release.datapackage import STATUS_PATTERN, data_package, validate_package
from flows.reporting.release.model import MISSING_MARKERS, STATUS_MARKERS

from .conftest import FORMULA, SUM


def write_release(folder: Path, info, tables, extra_resources=()) -> dict:
    """The CSVs as the release writes them (RFC 4180, an empty cell for a missing value) and the
    descriptor beside them."""
    folder.mkdir(parents=True, exist_ok=True)
    for table in tables:
        table.rows.to_csv(folder / f"{table.name}.csv", index=False, encoding="utf-8", lineterminator="\r\n")
    descriptor = data_package(info, tables, extra_resources)
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")
    return descriptor


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "release o'brien 2026-12-04"  # a quote and a space: paths are data


def test_the_written_release_is_valid(folder, info, tables):
    write_release(folder, info, tables)
    assert validate_package(folder) == []


def test_every_table_is_a_csv_resource_with_every_column_described(info, tables):
    descriptor = data_package(info, tables)
    assert [resource["name"] for resource in descriptor["resources"]] == ["outcome_scores", "inspections"]
    for table, resource in zip(tables, descriptor["resources"]):
        assert resource["path"] == f"{table.name}.csv"
        assert (resource["format"], resource["mediatype"], resource["encoding"]) == ("csv", "text/csv", "utf-8")
        assert resource["dialect"]["header"] is True
        assert resource["schema"]["primaryKey"] == list(table.primary_key)
        fields = resource["schema"]["fields"]
        assert [(f["name"], f["type"], f["title"]) for f in fields] == [(c.name, c.type, c.title) for c in table.columns]
        assert all(field["description"] for field in fields)
        assert all(field["constraints"]["required"] for field in fields if field["name"] in table.primary_key)


def test_the_package_says_what_it_is(info, tables):
    descriptor = data_package(info, tables)
    assert descriptor["name"] == "iaow-release-2026-12-04"
    assert descriptor["version"] == "2026-12-04"
    assert descriptor["description"].startswith("SYNTHETIC DEMO DATA")
    assert info.summary in descriptor["description"]
    assert descriptor["licenses"] == [{
        "name": "OGL-UK-3.0",
        "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        "title": "Open Government Licence v3.0",
    }]
    assert descriptor["created"] == "2026-12-04T09:30:00+00:00"  # December: London is on GMT
    facts = descriptor["iaow_release"]
    assert dt.datetime.fromisoformat(facts["published_at"]) == info.published_at
    assert (facts["cut_off"], facts["next_release"], facts["is_synthetic"]) == ("2026-11-30", "2027-03-05", True)
    real = data_package(dataclasses.replace(info, is_synthetic=False), tables)
    assert "SYNTHETIC" not in real["description"] + real["title"]


def test_empty_is_missing_everywhere_and_number_fields_list_the_markers(info, tables):
    schema = data_package(info, tables)["resources"][0]["schema"]
    assert [entry["value"] for entry in schema["missingValues"]] == [""]
    fields = {field["name"]: field for field in schema["fields"]}
    for name in ("outcome_code", "n_cases", "score"):
        assert [entry["value"] for entry in fields[name]["missingValues"]] == ["", *MISSING_MARKERS]
        assert all(entry["label"] for entry in fields[name]["missingValues"])
    status = fields["status"]
    assert "missingValues" not in status  # only the schema's "": its markers are values
    assert status["constraints"]["pattern"] == STATUS_PATTERN
    assert all(marker in status["description"] and meaning in status["description"]
               for marker, meaning in STATUS_MARKERS.items())


@pytest.mark.parametrize("value, admitted", [
    ("", True), ("[c]", True), ("[p] [r]", True), ("[x] [z] [p]", True),
    ("[q]", False), ("[p]  [r]", False), ("[p],[r]", False), (" [c]", False), ("[c] ", False), ("c", False),
])
def test_the_status_pattern_admits_markers_joined_by_single_spaces(value, admitted):
    assert bool(re.fullmatch(STATUS_PATTERN, value)) is admitted


def test_reading_back_keeps_the_status_markers_and_the_text(folder, info, tables):
    write_release(folder, info, tables)
    package = frictionless.Package(str(folder / "datapackage.json"))
    rows = package.get_resource("outcome_scores").read_rows()
    withheld = rows[1]
    assert withheld["status"] == "[c]"
    assert withheld["score"] is None
    assert rows[2]["status"] == "[p] [r]"
    assert rows[0]["status"] is None  # "" is missing, as everywhere
    assert [row["comment"] for row in rows[:2]] == [SUM, FORMULA]


def test_a_letter_in_a_number_column_fails_naming_the_file_and_row(folder, info, tables):
    write_release(folder, info, tables)
    csv_path = folder / "outcome_scores.csv"
    csv_path.write_bytes(csv_path.read_bytes().replace(b",30,", b",3O,"))  # a letter O for a zero
    problems = validate_package(folder)
    assert len(problems) == 1
    assert problems[0].startswith("outcome_scores.csv: ")
    assert 'row "4"' in problems[0] and '"n_cases"' in problems[0]


def test_a_marker_out_of_pattern_and_a_duplicate_key_fail(folder, info, tables):
    write_release(folder, info, tables)
    csv_path = folder / "outcome_scores.csv"
    csv_path.write_bytes(csv_path.read_bytes().replace(b"[p] [r]", b"[q]").replace(b"london-2014,1", b"hampshire-2013,1"))
    problems = validate_package(folder)
    assert any("pattern" in problem and "[q]" in problem for problem in problems)
    assert any("primary key" in problem for problem in problems)


def test_extra_resources_are_described_after_the_tables(folder, info, tables):
    revisions = {"name": "revisions_log", "path": "revisions_log.txt", "format": "txt", "mediatype": "text/plain"}
    folder.mkdir(parents=True)
    (folder / "revisions_log.txt").write_text("no revisions\n", encoding="utf-8")
    descriptor = write_release(folder, info, tables, [revisions])
    assert descriptor["resources"][-1] == revisions
    assert validate_package(folder) == []
    with pytest.raises(ValueError, match="unique"):
        data_package(info, tables, [{**revisions, "name": "inspections"}])


def test_validation_never_fetches_a_url(folder, info, tables):
    remote = {"name": "elsewhere", "path": "https://example.invalid/elsewhere.csv", "format": "csv"}
    write_release(folder, info, tables, [remote])
    problems = validate_package(folder)
    assert problems and all("validated offline" in problem for problem in problems)


def test_a_folder_without_a_descriptor_is_reported(tmp_path):
    assert validate_package(tmp_path) == [f"datapackage.json: not found in {tmp_path}"]
