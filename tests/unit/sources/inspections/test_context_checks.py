"""context.csv checks across rows: a county's districts add up to its population (within rounding)
and the caseload shares of one geography and period sum to 100.

Row numbers are those of the Hampshire demo return's context.csv (the header is row 1): the
districts' populations are rows 3, 6, ..., 33 and Hampshire's (1,317,800) is row 36; the caseload
shares of Hampshire Probation Trust are rows 53-56 and those of England and Wales rows 57-60.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from expectations.context import NUMERIC_VALUE, parts_add_up, shares_sum_to_100
from flows.catalogue import load_catalogue
from flows.contract import locate_return, read_csv_table, read_return
from flows.demo import DEMO_INSPECTIONS, write_return
from flows.findings import Finding
from flows.validate import validate_return
from tests.return_edits import set_cell

HAMPSHIRE = next(i for i in DEMO_INSPECTIONS if i.inspection_id == "hampshire-2013")
SOURCE = "context.csv"
CENSUS = "2011"
CASELOAD = "October 2012"
TRUST = "Hampshire Probation Trust"
ENGLAND_AND_WALES = "England and Wales"

HAMPSHIRE_POPULATION_ROW = 36
DISTRICT_POPULATION_ROWS = tuple(range(3, 34, 3))  # Basingstoke and Deane ... Winchester
GOSPORT_POPULATION_ROW = 15
TRUST_WHITE, TRUST_MINORITY, TRUST_MALE, TRUST_FEMALE = 53, 54, 55, 56
NATIONAL_MALE, NATIONAL_FEMALE = 59, 60


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def demo_context(tmp_path_factory) -> pd.DataFrame:
    """Hampshire's demo context.csv as validation sees it: text, spreadsheet row numbers, numbers."""
    folder = write_return(HAMPSHIRE, tmp_path_factory.mktemp("demo") / HAMPSHIRE.inspection_id)
    findings: list[Finding] = []
    frame = read_csv_table(folder / SOURCE, findings)
    assert not findings and frame is not None
    return _with_numbers(frame)


@pytest.fixture
def context(demo_context) -> pd.DataFrame:
    return demo_context.copy()


def _with_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(**{NUMERIC_VALUE: pd.to_numeric(frame["value"])})


def row_of(frame: pd.DataFrame, geography: str, measure: str, period: str) -> int:
    (row,) = frame.index[(frame["geography"] == geography) & (frame["measure"] == measure) & (frame["period"] == period)]
    return int(row)


def set_value(frame: pd.DataFrame, row: int, value: float | str) -> pd.DataFrame:
    frame = frame.copy()
    frame.loc[row, "value"] = str(value)
    return _with_numbers(frame)


def add_rows(frame: pd.DataFrame, rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """Append (geography, measure, value, period) rows below the last one."""
    start = int(frame.index.max()) + 1
    extra = pd.DataFrame(
        [(geography, measure, value, period, "test") for geography, measure, value, period in rows],
        columns=["geography", "measure", "value", "period", "source"],
        index=pd.Index(range(start, start + len(rows))),
        dtype=object,
    )
    return _with_numbers(pd.concat([frame.drop(columns=[NUMERIC_VALUE]), extra]))


def district_population_rows(frame: pd.DataFrame, catalogue) -> list[int]:
    districts = [g.geography for g in catalogue.geographies.values() if g.part_of == "Hampshire"]
    return sorted(row_of(frame, district, "population", CENSUS) for district in districts)


def by_rule(findings: list[Finding]) -> dict[str, Finding]:
    found = {f.rule_id: f for f in findings}
    assert len(found) == len(findings), findings
    return found


# ---------------------------------------------------------------- the demo return


def test_the_demo_rows_are_where_these_tests_expect_them(context, catalogue):
    assert len([g for g in catalogue.geographies.values() if g.part_of == "Hampshire"]) == 11
    assert row_of(context, "Hampshire", "population", CENSUS) == HAMPSHIRE_POPULATION_ROW
    assert district_population_rows(context, catalogue) == list(DISTRICT_POPULATION_ROWS)
    assert row_of(context, "Gosport", "population", CENSUS) == GOSPORT_POPULATION_ROW
    assert context.loc[HAMPSHIRE_POPULATION_ROW, NUMERIC_VALUE] == 1317800
    assert sum(context.loc[list(DISTRICT_POPULATION_ROWS), NUMERIC_VALUE]) == 1317800
    assert row_of(context, TRUST, "caseload_male_pct", CASELOAD) == TRUST_MALE
    assert row_of(context, TRUST, "caseload_female_pct", CASELOAD) == TRUST_FEMALE
    assert row_of(context, TRUST, "caseload_white_pct", CASELOAD) == TRUST_WHITE
    assert row_of(context, TRUST, "caseload_minority_ethnic_pct", CASELOAD) == TRUST_MINORITY
    assert row_of(context, ENGLAND_AND_WALES, "caseload_female_pct", CASELOAD) == NATIONAL_FEMALE


def test_hampshire_demo_context_passes_both_checks(context, catalogue):
    assert parts_add_up(context, catalogue, SOURCE) == []
    assert shares_sum_to_100(context, catalogue, SOURCE) == []


def test_hampshire_demo_return_validates_without_findings(tmp_path, catalogue):
    folder = write_return(HAMPSHIRE, tmp_path / HAMPSHIRE.inspection_id)
    result = validate_return(read_return(locate_return(folder)), catalogue)
    assert result.findings == []
    assert result.ok
    assert "context.csv" in {outcome.source for outcome in result.suites}


# ---------------------------------------------------------------- parts add up


def test_a_district_population_off_by_5000_fails_naming_the_county_and_district_rows(context, catalogue):
    context = set_value(context, GOSPORT_POPULATION_ROW, 82600 + 5000)
    (finding,) = parts_add_up(context, catalogue, SOURCE)
    assert finding.rule_id == "context.population.parts_add_up"
    assert finding.source == SOURCE and finding.column == "value"
    assert finding.rows[0] == HAMPSHIRE_POPULATION_ROW
    assert sorted(finding.rows) == sorted([HAMPSHIRE_POPULATION_ROW, *DISTRICT_POPULATION_ROWS])
    assert "11 of 11 parts" in finding.detail and "1,322,800" in finding.detail and "1,317,800" in finding.detail
    assert "Hampshire" in finding.rule
    assert shares_sum_to_100(context, catalogue, SOURCE) == []


def test_a_district_population_off_by_5000_the_other_way_fails_too(context, catalogue):
    context = set_value(context, GOSPORT_POPULATION_ROW, 82600 - 5000)
    assert [f.rule_id for f in parts_add_up(context, catalogue, SOURCE)] == ["context.population.parts_add_up"]


def test_a_change_within_rounding_passes(context, catalogue):
    # 300 is within 0.1% of 1,317,800 (about 1,318): districts are published to the nearest hundred.
    assert parts_add_up(set_value(context, GOSPORT_POPULATION_ROW, 82600 + 300), catalogue, SOURCE) == []
    assert parts_add_up(set_value(context, GOSPORT_POPULATION_ROW, 82600 - 1300), catalogue, SOURCE) == []
    assert parts_add_up(set_value(context, GOSPORT_POPULATION_ROW, 82600 + 1400), catalogue, SOURCE) != []


def test_a_county_changed_instead_of_a_district_fails_the_same_way(context, catalogue):
    (finding,) = parts_add_up(set_value(context, HAMPSHIRE_POPULATION_ROW, 1300000), catalogue, SOURCE)
    assert finding.rule_id == "context.population.parts_add_up"
    assert sorted(finding.rows) == sorted([HAMPSHIRE_POPULATION_ROW, *DISTRICT_POPULATION_ROWS])


def test_some_districts_summing_above_the_county_fail(context, catalogue):
    kept = DISTRICT_POPULATION_ROWS[:3]  # Basingstoke and Deane, East Hampshire, Eastleigh: 408,600
    context = context.drop(index=[row for row in DISTRICT_POPULATION_ROWS if row not in kept])
    context = set_value(context, HAMPSHIRE_POPULATION_ROW, 400000)
    (finding,) = parts_add_up(context, catalogue, SOURCE)
    assert finding.rule_id == "context.population.parts_add_up"
    assert sorted(finding.rows) == sorted([HAMPSHIRE_POPULATION_ROW, *kept])
    assert "3 of 11 parts" in finding.detail
    assert "may not exceed" in finding.rule


def test_some_districts_summing_below_the_county_pass(context, catalogue):
    context = context.drop(index=list(DISTRICT_POPULATION_ROWS[3:]))
    assert parts_add_up(context, catalogue, SOURCE) == []


def test_a_county_without_any_of_its_districts_is_not_checked(context, catalogue):
    context = context.drop(index=list(DISTRICT_POPULATION_ROWS))
    assert parts_add_up(set_value(context, HAMPSHIRE_POPULATION_ROW, 1), catalogue, SOURCE) == []


def test_parts_of_different_periods_are_not_added_together(context, catalogue):
    # An older census for Hampshire and one district: neither adds to 2011's figures.
    context = add_rows(context, [("Hampshire", "population", "1240100", "2001"), ("Gosport", "population", "76400", "2001")])
    assert parts_add_up(context, catalogue, SOURCE) == []
    # ... and a 2001 district above the 2001 county is reported with the 2001 rows only.
    context = add_rows(context, [("Hart", "population", "1200000", "2001")])
    (finding,) = parts_add_up(context, catalogue, SOURCE)
    new_rows = [row_of(context, g, "population", "2001") for g in ("Hampshire", "Gosport", "Hart")]
    assert sorted(finding.rows) == sorted(new_rows)
    assert "period 2001" in finding.detail


# ---------------------------------------------------------------- shares sum to 100


def test_male_and_female_shares_above_100_fail_naming_both_rows(context, catalogue):
    context = set_value(context, TRUST_FEMALE, "12.1")
    (finding,) = shares_sum_to_100(context, catalogue, SOURCE)
    assert finding.rule_id == "context.caseload_gender.sums_to_100"
    assert sorted(finding.rows) == [TRUST_MALE, TRUST_FEMALE]
    assert finding.source == SOURCE and finding.column == "value"
    assert TRUST in finding.detail and "101" in finding.detail
    assert parts_add_up(context, catalogue, SOURCE) == []


def test_male_and_female_shares_below_100_fail_there_is_no_unknown_gender(context, catalogue):
    (finding,) = shares_sum_to_100(set_value(context, TRUST_FEMALE, "10.0"), catalogue, SOURCE)
    assert finding.rule_id == "context.caseload_gender.sums_to_100"
    assert sorted(finding.rows) == [TRUST_MALE, TRUST_FEMALE]
    assert "98.9" in finding.detail


def test_gender_shares_within_the_tolerance_pass(context, catalogue):
    assert shares_sum_to_100(set_value(context, TRUST_FEMALE, "11.2"), catalogue, SOURCE) == []
    assert shares_sum_to_100(set_value(context, TRUST_FEMALE, "10.9"), catalogue, SOURCE) == []


def test_ethnicity_shares_below_100_pass_the_rest_being_unknown(context, catalogue):
    assert context.loc[[TRUST_WHITE, TRUST_MINORITY], NUMERIC_VALUE].sum() == pytest.approx(94)
    assert shares_sum_to_100(context, catalogue, SOURCE) == []
    assert shares_sum_to_100(set_value(context, TRUST_WHITE, "50.0"), catalogue, SOURCE) == []


def test_ethnicity_shares_above_100_fail(context, catalogue):
    (finding,) = shares_sum_to_100(set_value(context, TRUST_WHITE, "94.1"), catalogue, SOURCE)
    assert finding.rule_id == "context.caseload_ethnicity.sums_to_100"
    assert sorted(finding.rows) == [TRUST_WHITE, TRUST_MINORITY]
    assert "101" in finding.detail


def test_an_incomplete_gender_set_is_only_checked_for_exceeding_100(context, catalogue):
    context = context.drop(index=[TRUST_FEMALE])
    assert shares_sum_to_100(context, catalogue, SOURCE) == []
    (finding,) = shares_sum_to_100(set_value(context, TRUST_MALE, "100.5"), catalogue, SOURCE)
    assert finding.rows == (TRUST_MALE,)


def test_shares_are_checked_per_geography(context, catalogue):
    # Trust and national rows share measures and a period; together they would sum to 200.
    assert shares_sum_to_100(context, catalogue, SOURCE) == []
    (finding,) = shares_sum_to_100(set_value(context, NATIONAL_FEMALE, "12.1"), catalogue, SOURCE)
    assert finding.rule_id == "context.caseload_gender.sums_to_100"
    assert sorted(finding.rows) == [NATIONAL_MALE, NATIONAL_FEMALE]
    assert ENGLAND_AND_WALES in finding.detail and TRUST not in finding.detail


def test_shares_are_checked_per_period(context, catalogue):
    context = add_rows(context, [(TRUST, "caseload_male_pct", "90.0", "October 2011"), (TRUST, "caseload_female_pct", "10.0", "October 2011")])
    assert shares_sum_to_100(context, catalogue, SOURCE) == []
    context = set_value(context, row_of(context, TRUST, "caseload_female_pct", "October 2011"), "9.0")
    (finding,) = shares_sum_to_100(context, catalogue, SOURCE)
    assert sorted(finding.rows) == [row_of(context, TRUST, m, "October 2011") for m in ("caseload_male_pct", "caseload_female_pct")]
    assert "October 2011" in finding.detail


def test_both_checks_report_together(context, catalogue):
    context = set_value(set_value(context, GOSPORT_POPULATION_ROW, 90000), TRUST_MALE, "90.0")
    findings = parts_add_up(context, catalogue, SOURCE) + shares_sum_to_100(context, catalogue, SOURCE)
    assert set(by_rule(findings)) == {"context.population.parts_add_up", "context.caseload_gender.sums_to_100"}


# ---------------------------------------------------------------- through read_return and validate_return


def test_a_broken_district_population_is_reported_by_validation_with_file_and_rows(tmp_path, catalogue):
    folder = write_return(HAMPSHIRE, tmp_path / HAMPSHIRE.inspection_id)
    set_cell(SOURCE, GOSPORT_POPULATION_ROW, "value", "87600")(folder)
    result = validate_return(read_return(locate_return(folder)), catalogue)
    assert not result.ok
    finding = by_rule(result.findings)["context.population.parts_add_up"]
    assert [f.rule_id for f in result.findings] == ["context.population.parts_add_up"]
    assert finding.source == "context.csv"
    assert sorted(finding.rows) == sorted([HAMPSHIRE_POPULATION_ROW, *DISTRICT_POPULATION_ROWS])
    described = finding.describe()
    assert described.startswith("context.csv, rows ")
    assert "column value" in described and "(12 rows)" in described
    assert "1,322,800" in described and "1,317,800" in described


def test_validation_does_not_add_up_values_that_are_not_numbers(tmp_path: Path, catalogue):
    folder = write_return(HAMPSHIRE, tmp_path / HAMPSHIRE.inspection_id)
    set_cell(SOURCE, GOSPORT_POPULATION_ROW, "value", "82,600")(folder)
    result = validate_return(read_return(locate_return(folder)), catalogue)
    rule_ids = {f.rule_id for f in result.findings}
    assert "context.value.number" in rule_ids
    assert "context.population.parts_add_up" not in rule_ids
