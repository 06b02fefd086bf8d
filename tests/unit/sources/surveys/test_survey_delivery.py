"""Offender survey deliveries: reading survey.yaml and responses.csv, validating them (every option
ticked in the multi-select question on its own), and the long raw-zone rows they load as."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from pathlib import Path

import pytest

from flows.core.catalogue import load_catalogue, ticked_options
from flows.core.findings import Finding, ReturnRejected
from flows.sources.base import Receipt
from flows.sources.surveys.kind import KIND
from flows.sources.surveys.read import is_survey_delivery, locate_delivery, read_delivery
from flows.sources.surveys.rows import raw_rows
from flows.sources.surveys.validate import known_areas as areas_known_to, validate_delivery
from flows.sources.validation import ValidationResult
from tests.factories import inspection_return, survey_delivery

SURVEY_ID = "noms-offender-survey-2012"
QUESTIONS = ["sq_involved_in_sentence_plan", "sq_offender_manager_discussed_plan", "sq_more_help_with", "sq_overall_experience"]
HEADER = ["response_id", "area", *QUESTIONS]
MULTI = "sq_more_help_with"
PUBLISHED_AREA = "Testshire"  # the area of a published inspection, not a probation area of the seed


class Committed:
    """A committed warehouse holding one published inspection, as the survey kind reads it."""

    def has_table(self, schema: str, table: str) -> bool:
        return (schema, table) == ("raw", "inspections")

    def rows(self, sql: str, params=None) -> list[tuple]:
        assert sql == "select distinct area from raw.inspections"
        return [(PUBLISHED_AREA,)]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def known_areas(catalogue) -> list[str]:
    return areas_known_to(catalogue, Committed())


# Deliveries of the shared factory: its default, and one from every known area.
FACTORY_DELIVERIES = ("test-survey-2012", "test-survey-2013")


@pytest.fixture(scope="module")
def landing(tmp_path_factory, known_areas) -> Path:
    landing = tmp_path_factory.mktemp("landing")
    survey_delivery(landing / "surveys", FACTORY_DELIVERIES[0])
    survey_delivery(landing / "surveys", FACTORY_DELIVERIES[1], survey_year=2013, areas=known_areas, responses_per_area=2)
    return landing


def response(response_id: str, area: str = "Hampshire", **answers: str) -> list[str]:
    """A responses.csv row; every question answered unless told otherwise ('' = blank)."""
    cells = {
        "sq_involved_in_sentence_plan": "yes",
        "sq_offender_manager_discussed_plan": "no",
        MULTI: "accommodation",
        "sq_overall_experience": "good",
        **answers,
    }
    return [response_id, area, *(cells[question] for question in QUESTIONS)]


def write_delivery(
    root: Path,
    rows: list[list[str]],
    header: list[str] = HEADER,
    folder: str = SURVEY_ID,
    survey_yaml: str | None = None,
) -> Path:
    """landing/surveys/<folder>/ with survey.yaml, responses.csv (header + rows) and _READY."""
    path = root / "surveys" / folder
    path.mkdir(parents=True)
    (path / "survey.yaml").write_text(survey_yaml or f"survey_id: {folder}\nsurvey_year: 2012\nsynthetic: true\n")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    (path / "responses.csv").write_text(buffer.getvalue(), encoding="utf-8")
    (path / "_READY").write_bytes(b"")
    return path


def validate(path: Path, catalogue, known_areas) -> ValidationResult:
    return validate_delivery(read_delivery(locate_delivery(path), KIND.limits), catalogue, known_areas)


def by_rule(findings: list[Finding]) -> dict[str, Finding]:
    found = {f.rule_id: f for f in findings}
    assert len(found) == len(findings), findings
    return found


def rejected(path: Path) -> dict[str, Finding]:
    with pytest.raises(ReturnRejected) as raised:
        read_delivery(locate_delivery(path), KIND.limits)
    return by_rule(raised.value.findings)


# ---------------------------------------------------------------- valid deliveries


def test_known_areas_are_the_probation_areas_and_the_areas_of_published_inspections(catalogue, known_areas):
    assert set(known_areas) == {*catalogue.probation_areas, PUBLISHED_AREA}
    assert known_areas == sorted(known_areas)


@pytest.mark.parametrize("survey_id", FACTORY_DELIVERIES)
def test_factory_delivery_reads_and_validates_without_findings(landing, survey_id, catalogue, known_areas):
    path = landing / "surveys" / survey_id
    assert is_survey_delivery(path)
    parsed = read_delivery(locate_delivery(path), KIND.limits)
    assert parsed.header["survey_id"] == survey_id
    assert parsed.tables["responses"].frame.index[0] == 2  # header is row 1
    result = validate_delivery(parsed, catalogue, known_areas)
    assert result.findings == []
    assert result.ok
    assert {outcome.suite for outcome in result.suites} >= {"survey", "responses", f"responses.{MULTI}"}


def test_a_small_valid_delivery_has_no_findings(tmp_path, catalogue, known_areas):
    rows = [
        response("R1"),
        response("R2", area="London", sq_involved_in_sentence_plan="", **{MULTI: ""}),
        response("R3", area="Cumbria", **{MULTI: "accommodation;health;drugs"}),
        response("R4", **{MULTI: " accommodation ; health "}),
    ]
    assert validate(write_delivery(tmp_path, rows), catalogue, known_areas).findings == []


# ---------------------------------------------------------------- responses.csv


def test_an_unknown_area_is_reported_with_its_row(tmp_path, catalogue, known_areas):
    path = write_delivery(tmp_path, [response("R1"), response("R2", area="Atlantis"), response("R3")])
    (finding,) = validate(path, catalogue, known_areas).findings
    assert finding.rule_id == "responses.area.known"
    assert finding.rows == (3,)
    assert finding.source == "responses.csv" and finding.column == "area"


def test_a_single_answer_outside_its_options_is_reported_with_its_row(tmp_path, catalogue, known_areas):
    rows = [
        response("R1"),
        response("R2"),
        response("R3", sq_overall_experience="excellent"),
        # `blank` is what an empty cell means, not something to write.
        response("R4", sq_involved_in_sentence_plan="blank"),
    ]
    found = by_rule(validate(write_delivery(tmp_path, rows), catalogue, known_areas).findings)
    assert set(found) == {"responses.sq_overall_experience.in_code_list", "responses.sq_involved_in_sentence_plan.in_code_list"}
    assert found["responses.sq_overall_experience.in_code_list"].rows == (4,)
    assert found["responses.sq_overall_experience.in_code_list"].column == "sq_overall_experience"
    assert found["responses.sq_involved_in_sentence_plan.in_code_list"].rows == (5,)


def test_each_option_of_a_multi_select_cell_is_checked(tmp_path, catalogue, known_areas):
    rows = [
        response("R1", **{MULTI: "accommodation;health"}),
        response("R2", **{MULTI: "accommodation;gardening"}),
        response("R3", **{MULTI: "accommodation;;health"}),
        response("R4", **{MULTI: "health;health"}),
        response("R5", **{MULTI: ""}),
        response("R6", **{MULTI: "blank"}),
    ]
    found = by_rule(validate(write_delivery(tmp_path, rows), catalogue, known_areas).findings)
    assert set(found) == {
        f"responses.{MULTI}.in_code_list",
        f"responses.{MULTI}.option_named",
        f"responses.{MULTI}.no_repeats",
    }
    assert set(found[f"responses.{MULTI}.in_code_list"].rows) == {3, 7}
    assert set(found[f"responses.{MULTI}.option_named"].rows) == {4}
    assert found[f"responses.{MULTI}.no_repeats"].rows == (5,)
    assert all(f.source == "responses.csv" and f.column == MULTI for f in found.values())
    assert "';'" in found[f"responses.{MULTI}.option_named"].rule


def test_a_trailing_separator_is_an_empty_option(tmp_path, catalogue, known_areas):
    path = write_delivery(tmp_path, [response("R1"), response("R2", **{MULTI: "health;"})])
    (finding,) = validate(path, catalogue, known_areas).findings
    assert finding.rule_id == f"responses.{MULTI}.option_named"
    assert set(finding.rows) == {3}


def _without_overall_experience(root: Path) -> Path:
    header = [column for column in HEADER if column != "sq_overall_experience"]
    return write_delivery(root, [response("R1")[:-1], response("R2")[:-1]], header=header)


def test_a_missing_question_column_is_reported(tmp_path, catalogue, known_areas):
    result = validate(_without_overall_experience(tmp_path), catalogue, known_areas)
    assert not result.ok
    missing = [f for f in result.findings if f.rule_id == "responses.columns.missing"]
    assert [(f.column, f.rows, f.source) for f in missing] == [("sq_overall_experience", (1,), "responses.csv")]


def test_a_missing_question_column_is_reported_only_as_missing(tmp_path, catalogue, known_areas):
    found = by_rule(validate(_without_overall_experience(tmp_path), catalogue, known_areas).findings)
    assert set(found) == {"responses.columns.missing"}


def test_a_missing_multi_select_column_is_reported_once(tmp_path, catalogue, known_areas):
    header = [column for column in HEADER if column != MULTI]
    rows = [[cell for column, cell in zip(HEADER, response(r), strict=True) if column != MULTI] for r in ("R1", "R2")]
    found = by_rule(validate(write_delivery(tmp_path, rows, header=header), catalogue, known_areas).findings)
    assert set(found) == {"responses.columns.missing"}
    assert found["responses.columns.missing"].column == MULTI


def test_a_delivery_without_responses_is_rejected(tmp_path, catalogue, known_areas):
    found = by_rule(validate(write_delivery(tmp_path, []), catalogue, known_areas).findings)
    assert set(found) == {"responses.not_empty"}


def test_response_ids_are_required_and_unique(tmp_path, catalogue, known_areas):
    rows = [response("R1"), response("R2"), response("R1"), response("")]
    found = by_rule(validate(write_delivery(tmp_path, rows), catalogue, known_areas).findings)
    assert set(found) == {"responses.response_id.required", "responses.response_id.unique"}
    assert found["responses.response_id.required"].rows == (5,)
    assert set(found["responses.response_id.unique"].rows) == {2, 4}


# ---------------------------------------------------------------- survey.yaml


def test_survey_yaml_with_a_foreign_id_and_a_short_year_is_reported_by_key(tmp_path, catalogue, known_areas):
    path = write_delivery(tmp_path, [response("R1")], survey_yaml='survey_id: noms-offender-survey-2011\nsurvey_year: "12"\n')
    found = by_rule(validate(path, catalogue, known_areas).findings)
    assert set(found) == {"survey.survey_id.matches_name", "survey.survey_year.year"}
    assert found["survey.survey_id.matches_name"].key == "survey_id"
    assert SURVEY_ID in found["survey.survey_id.matches_name"].rule
    assert found["survey.survey_year.year"].key == "survey_year"
    assert all(f.source == "survey.yaml" for f in found.values())


def test_survey_yaml_with_missing_or_unknown_keys_is_reported(tmp_path, catalogue, known_areas):
    path = write_delivery(tmp_path, [response("R1")], survey_yaml=f"survey_id: {SURVEY_ID}\nyear: 2012\n")
    found = by_rule(validate(path, catalogue, known_areas).findings)
    assert found["survey.columns.missing"].key == "survey_year"
    assert found["survey.columns.unexpected"].key is None  # not a contract key: named by its line
    assert found["survey.columns.unexpected"].rows == (2,)


# ---------------------------------------------------------------- structure: rejected before validation


def test_a_delivery_without_responses_csv_is_rejected_naming_it(tmp_path):
    path = write_delivery(tmp_path, [response("R1")])
    (path / "responses.csv").unlink()
    found = rejected(path)
    assert set(found) == {"return.files.required"}
    assert found["return.files.required"].source == "responses.csv"


def test_a_delivery_without_survey_yaml_is_rejected_naming_it(tmp_path):
    path = write_delivery(tmp_path, [response("R1")])
    (path / "survey.yaml").unlink()
    assert rejected(path)["return.files.required"].source == "survey.yaml"


def test_an_unexpected_file_and_a_bad_folder_name_are_rejected(tmp_path):
    path = write_delivery(tmp_path, [response("R1")], folder="Survey 2012")
    (path / "notes.txt").write_text("for the analyst")
    found = rejected(path)
    assert set(found) == {"delivery.name.slug", "return.files.unexpected"}
    assert found["return.files.unexpected"].source == "notes.txt"


def test_responses_in_utf16_are_rejected_as_an_unsupported_encoding(tmp_path):
    path = write_delivery(tmp_path, [response("R1"), response("R2")])
    csv_path = path / "responses.csv"
    csv_path.write_bytes(csv_path.read_text(encoding="utf-8").encode("utf-16"))
    finding = rejected(path)["file.encoding.supported"]
    assert finding.source == "responses.csv"
    assert "UTF-16" in finding.detail


def test_is_survey_delivery_tells_a_delivery_from_an_inspection_return(tmp_path):
    delivery = write_delivery(tmp_path, [response("R1")])
    outside_surveys = tmp_path / "elsewhere" / SURVEY_ID
    outside_surveys.mkdir(parents=True)
    (outside_surveys / "survey.yaml").write_text(f"survey_id: {SURVEY_ID}\nsurvey_year: 2012\n")
    inspection = inspection_return(tmp_path / "inspections")
    assert is_survey_delivery(delivery)
    assert is_survey_delivery(outside_surveys)
    assert not is_survey_delivery(inspection)
    assert not is_survey_delivery(delivery / "survey.yaml")  # a file, not a folder


def test_ticked_options_splits_on_the_separator_keeping_empty_options():
    assert ticked_options(None) == []
    assert ticked_options("health") == ["health"]
    assert ticked_options(" accommodation ; health") == ["accommodation", "health"]
    assert ticked_options("accommodation;;health") == ["accommodation", "", "health"]


# ---------------------------------------------------------------- raw-zone rows


RECEIVED = dt.datetime(2013, 1, 15, 9, 30, tzinfo=dt.timezone.utc)


def test_survey_rows_are_long_with_blank_for_empty_cells_and_one_row_per_ticked_option(tmp_path, catalogue):
    rows = [
        response("R1", **{MULTI: "accommodation;health;drugs"}),
        response("R2", sq_involved_in_sentence_plan="", **{MULTI: ""}),
        response("R3", area="London", sq_overall_experience="very_poor"),
    ]
    parsed = read_delivery(locate_delivery(write_delivery(tmp_path, rows)), KIND.limits)
    loaded = raw_rows(parsed, catalogue, Receipt("sha", RECEIVED), "publication-1")

    (survey,) = loaded["surveys"].to_dict("records")
    assert survey["survey_id"] == SURVEY_ID and survey["survey_year"] == 2012 and survey["synthetic"] is True
    assert survey["delivery_sha256"] == "sha" and survey["publication_id"] == "publication-1"

    long = loaded["survey_responses"]
    assert list(long.columns) == ["survey_id", "response_key", "area", "question_id", "answer_option"]
    assert set(long["survey_id"]) == {SURVEY_ID}

    def options(response_key: str, question_id: str) -> list[str]:
        chosen = long[(long["response_key"] == response_key) & (long["question_id"] == question_id)]
        return sorted(chosen["answer_option"])

    assert options("R1", MULTI) == ["accommodation", "drugs", "health"]
    assert options("R2", MULTI) == ["blank"]
    assert options("R2", "sq_involved_in_sentence_plan") == ["blank"]
    assert options("R2", "sq_overall_experience") == ["good"]
    assert options("R3", "sq_overall_experience") == ["very_poor"]
    assert set(long.loc[long["response_key"] == "R3", "area"]) == {"London"}
    # 4 questions x 3 responses, plus 2 more for R1's second and third ticks.
    assert len(long) == 4 * 3 + 2
    assert long["response_key"].nunique() == len(rows)


def test_survey_rows_of_a_factory_delivery_keep_every_response(landing, catalogue):
    path = landing / "surveys" / FACTORY_DELIVERIES[-1]
    parsed = read_delivery(locate_delivery(path), KIND.limits)
    long = raw_rows(parsed, catalogue, Receipt("sha", RECEIVED), "publication-1")["survey_responses"]
    with (path / "responses.csv").open(newline="", encoding="utf-8") as file:
        records = list(csv.DictReader(file))
    assert long["response_key"].nunique() == len(records)
    assert not long["answer_option"].isna().any() and "" not in set(long["answer_option"])
    ticks = sum(max(1, len([o for o in record[MULTI].split(";") if o])) for record in records)
    assert Counter(long["question_id"]) == {
        "sq_involved_in_sentence_plan": len(records),
        "sq_offender_manager_discussed_plan": len(records),
        MULTI: ticks,
        "sq_overall_experience": len(records),
    }
    blank_multi = sum(1 for record in records if not record[MULTI])
    assert blank_multi > 0
    assert ((long["question_id"] == MULTI) & (long["answer_option"] == "blank")).sum() == blank_multi
