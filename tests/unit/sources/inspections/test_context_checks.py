"""context.csv checks across rows: a county's districts add up to its population (within rounding)
and the caseload shares of one geography and period sum to 100.

The context is a return's of the shared factory, built like Hampshire's: the 2011 population of
Hampshire (1,317,800) and of each of its districts (dbt/seeds/code_lists/geographies.csv), adding
up; the October 2012 caseload shares of Hampshire Probation Trust (male 88.9, female 11.1, white
87.1, minority ethnic 6.9) and of England and Wales (89.9, 10.1, 77.1, 19.7). Row numbers are
spreadsheet rows of its context.csv (the header is row 1), looked up, never assumed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from expectations.context import NUMERIC_VALUE, parts_add_up, shares_sum_to_100
from flows.core.catalogue import load_catalogue
from flows.core.findings import Finding
from flows.sources.files import read_csv_table
from flows.sources.inspections.kind import KIND
from flows.sources.inspections.read import locate_return, read_return
from flows.sources.inspections.validate import validate_return
from tests.factories import inspection_return, parts_rows
from tests.return_edits import set_cell

SOURCE = "context.csv"
CENSUS = "2011"
CASELOAD = "October 2012"
COUNTY = "Hampshire"
COUNTY_POPULATION = 1317800
TRUST = "Hampshire Probation Trust"
ENGLAND_AND_WALES = "England and Wales"
CASELOAD_SHARES = {
    TRUST: {"caseload_white_pct": "87.1", "caseload_minority_ethnic_pct": "6.9", "caseload_male_pct": "88.9",
            "caseload_female_pct": "11.1"},
    ENGLAND_AND_WALES: {"caseload_white_pct": "77.1", "caseload_minority_ethnic_pct": "19.7", "caseload_male_pct": "89.9",
                        "caseload_female_pct": "10.1"},
}
HAMPSHIRE_CONTEXT = [
    *parts_rows(COUNTY, COUNTY_POPULATION, measure="population", period=CENSUS),
    *[(geography, measure, value, CASELOAD) for geography, shares in CASELOAD_SHARES.items() for measure, value in shares.items()],
]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def districts(catalogue) -> list[str]:
    """The county's parts, in the seed's order."""
    return [g.geography for g in catalogue.geographies.values() if g.part_of == COUNTY]


def hampshire_like(parent: Path) -> Path:
    return inspection_return(parent, "hampshire-2013", area=COUNTY, context=HAMPSHIRE_CONTEXT)


@pytest.fixture(scope="module")
def written_context(tmp_path_factory) -> pd.DataFrame:
    """The return's context.csv as validation sees it: text, spreadsheet row numbers, numbers."""
    folder = hampshire_like(tmp_path_factory.mktemp("context"))
    findings: list[Finding] = []
    frame = read_csv_table(folder / SOURCE, KIND.limits, findings)
    assert not findings and frame is not None
    return _with_numbers(frame)


@pytest.fixture
def context(written_context) -> pd.DataFrame:
    return written_context.copy()


def _with_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(**{NUMERIC_VALUE: pd.to_numeric(frame["value"])})


def row_of(frame: pd.DataFrame, geography: str, measure: str, period: str) -> int:
    (row,) = frame.index[(frame["geography"] == geography) & (frame["measure"] == measure) & (frame["period"] == period)]
    return int(row)


def value_of(frame: pd.DataFrame, row: int) -> float:
    return float(frame.loc[row, NUMERIC_VALUE])


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


def by_rule(findings: list[Finding]) -> dict[str, Finding]:
    found = {f.rule_id: f for f in findings}
    assert len(found) == len(findings), findings
    return found


def county_row(frame: pd.DataFrame) -> int:
    return row_of(frame, COUNTY, "population", CENSUS)


def district_rows(frame: pd.DataFrame, districts: list[str]) -> list[int]:
    return sorted(row_of(frame, district, "population", CENSUS) for district in districts)


def share_row(frame: pd.DataFrame, geography: str, measure: str) -> int:
    return row_of(frame, geography, measure, CASELOAD)


# ---------------------------------------------------------------- the return as written


def test_the_rows_are_what_these_tests_expect(context, districts):
    assert len(districts) > 3  # the tests below keep three districts of several
    assert sorted(district_rows(context, districts) + [county_row(context)]) == list(range(2, len(districts) + 3))
    assert value_of(context, county_row(context)) == COUNTY_POPULATION
    assert sum(context.loc[district_rows(context, districts), NUMERIC_VALUE]) == COUNTY_POPULATION
    for geography, shares in CASELOAD_SHARES.items():
        for measure, value in shares.items():
            assert value_of(context, share_row(context, geography, measure)) == float(value)


def test_the_context_passes_both_checks(context, catalogue):
    assert parts_add_up(context, catalogue, SOURCE) == []
    assert shares_sum_to_100(context, catalogue, SOURCE) == []


def test_the_return_validates_without_findings(tmp_path, catalogue):
    result = validate_return(read_return(locate_return(hampshire_like(tmp_path)), KIND.limits), catalogue)
    assert result.findings == []
    assert result.ok
    assert "context.csv" in {outcome.source for outcome in result.suites}


# ---------------------------------------------------------------- parts add up


def test_a_district_population_off_by_5000_fails_naming_the_county_and_district_rows(context, catalogue, districts):
    district = district_rows(context, districts)[0]
    context = set_value(context, district, value_of(context, district) + 5000)
    (finding,) = parts_add_up(context, catalogue, SOURCE)
    assert finding.rule_id == "context.population.parts_add_up"
    assert finding.source == SOURCE and finding.column == "value"
    assert finding.rows[0] == county_row(context)
    assert sorted(finding.rows) == sorted([county_row(context), *district_rows(context, districts)])
    n = len(districts)
    assert f"{n} of {n} parts" in finding.detail and "1,322,800" in finding.detail and "1,317,800" in finding.detail
    assert COUNTY in finding.rule
    assert shares_sum_to_100(context, catalogue, SOURCE) == []


def test_a_district_population_off_by_5000_the_other_way_fails_too(context, catalogue, districts):
    district = district_rows(context, districts)[0]
    context = set_value(context, district, value_of(context, district) - 5000)
    assert [f.rule_id for f in parts_add_up(context, catalogue, SOURCE)] == ["context.population.parts_add_up"]


def test_a_change_within_rounding_passes(context, catalogue, districts):
    # 300 is within 0.1% of 1,317,800 (about 1,318): districts are published to the nearest hundred.
    district = district_rows(context, districts)[0]
    value = value_of(context, district)
    assert parts_add_up(set_value(context, district, value + 300), catalogue, SOURCE) == []
    assert parts_add_up(set_value(context, district, value - 1300), catalogue, SOURCE) == []
    assert parts_add_up(set_value(context, district, value + 1400), catalogue, SOURCE) != []


def test_a_county_changed_instead_of_a_district_fails_the_same_way(context, catalogue, districts):
    (finding,) = parts_add_up(set_value(context, county_row(context), 1300000), catalogue, SOURCE)
    assert finding.rule_id == "context.population.parts_add_up"
    assert sorted(finding.rows) == sorted([county_row(context), *district_rows(context, districts)])


def test_some_districts_summing_above_the_county_fail(context, catalogue, districts):
    rows = district_rows(context, districts)
    kept = rows[:3]
    context = context.drop(index=[row for row in rows if row not in kept])
    context = set_value(context, county_row(context), sum(value_of(context, row) for row in kept) - 10000)
    (finding,) = parts_add_up(context, catalogue, SOURCE)
    assert finding.rule_id == "context.population.parts_add_up"
    assert sorted(finding.rows) == sorted([county_row(context), *kept])
    assert f"3 of {len(districts)} parts" in finding.detail
    assert "may not exceed" in finding.rule


def test_some_districts_summing_below_the_county_pass(context, catalogue, districts):
    context = context.drop(index=district_rows(context, districts)[3:])
    assert parts_add_up(context, catalogue, SOURCE) == []


def test_a_county_without_any_of_its_districts_is_not_checked(context, catalogue, districts):
    context = context.drop(index=district_rows(context, districts))
    assert parts_add_up(set_value(context, county_row(context), 1), catalogue, SOURCE) == []


def test_parts_of_different_periods_are_not_added_together(context, catalogue, districts):
    # An older census for the county and one district: neither adds to 2011's figures.
    first, second = districts[:2]
    context = add_rows(context, [(COUNTY, "population", "1240100", "2001"), (first, "population", "76400", "2001")])
    assert parts_add_up(context, catalogue, SOURCE) == []
    # ... and a 2001 district above the 2001 county is reported with the 2001 rows only.
    context = add_rows(context, [(second, "population", "1200000", "2001")])
    (finding,) = parts_add_up(context, catalogue, SOURCE)
    new_rows = [row_of(context, g, "population", "2001") for g in (COUNTY, first, second)]
    assert sorted(finding.rows) == sorted(new_rows)
    assert "2001" not in finding.detail  # the rows say which period; its text is never repeated


# ---------------------------------------------------------------- shares sum to 100


def test_male_and_female_shares_above_100_fail_naming_both_rows(context, catalogue):
    context = set_value(context, share_row(context, TRUST, "caseload_female_pct"), "12.1")
    (finding,) = shares_sum_to_100(context, catalogue, SOURCE)
    assert finding.rule_id == "context.caseload_gender.sums_to_100"
    assert sorted(finding.rows) == [share_row(context, TRUST, m) for m in ("caseload_male_pct", "caseload_female_pct")]
    assert finding.source == SOURCE and finding.column == "value"
    assert finding.detail == "they sum to 101"  # the rows name the geography: its text is never repeated
    assert parts_add_up(context, catalogue, SOURCE) == []


def test_male_and_female_shares_below_100_fail_there_is_no_unknown_gender(context, catalogue):
    (finding,) = shares_sum_to_100(set_value(context, share_row(context, TRUST, "caseload_female_pct"), "10.0"), catalogue, SOURCE)
    assert finding.rule_id == "context.caseload_gender.sums_to_100"
    assert sorted(finding.rows) == [share_row(context, TRUST, m) for m in ("caseload_male_pct", "caseload_female_pct")]
    assert "98.9" in finding.detail


def test_gender_shares_within_the_tolerance_pass(context, catalogue):
    female = share_row(context, TRUST, "caseload_female_pct")
    assert shares_sum_to_100(set_value(context, female, "11.2"), catalogue, SOURCE) == []
    assert shares_sum_to_100(set_value(context, female, "10.9"), catalogue, SOURCE) == []


def test_ethnicity_shares_below_100_pass_the_rest_being_unknown(context, catalogue):
    white = share_row(context, TRUST, "caseload_white_pct")
    minority = share_row(context, TRUST, "caseload_minority_ethnic_pct")
    assert context.loc[[white, minority], NUMERIC_VALUE].sum() == pytest.approx(94)
    assert shares_sum_to_100(context, catalogue, SOURCE) == []
    assert shares_sum_to_100(set_value(context, white, "50.0"), catalogue, SOURCE) == []


def test_ethnicity_shares_above_100_fail(context, catalogue):
    white = share_row(context, TRUST, "caseload_white_pct")
    (finding,) = shares_sum_to_100(set_value(context, white, "94.1"), catalogue, SOURCE)
    assert finding.rule_id == "context.caseload_ethnicity.sums_to_100"
    assert sorted(finding.rows) == sorted([white, share_row(context, TRUST, "caseload_minority_ethnic_pct")])
    assert "101" in finding.detail


def test_an_incomplete_gender_set_is_only_checked_for_exceeding_100(context, catalogue):
    male = share_row(context, TRUST, "caseload_male_pct")
    context = context.drop(index=[share_row(context, TRUST, "caseload_female_pct")])
    assert shares_sum_to_100(context, catalogue, SOURCE) == []
    (finding,) = shares_sum_to_100(set_value(context, male, "100.5"), catalogue, SOURCE)
    assert finding.rows == (male,)


def test_shares_are_checked_per_geography(context, catalogue):
    # Trust and national rows share measures and a period; together they would sum to 200.
    assert shares_sum_to_100(context, catalogue, SOURCE) == []
    (finding,) = shares_sum_to_100(set_value(context, share_row(context, ENGLAND_AND_WALES, "caseload_female_pct"), "12.1"),
                                   catalogue, SOURCE)
    assert finding.rule_id == "context.caseload_gender.sums_to_100"
    assert sorted(finding.rows) == [share_row(context, ENGLAND_AND_WALES, m) for m in ("caseload_male_pct", "caseload_female_pct")]
    assert TRUST not in finding.detail and ENGLAND_AND_WALES not in finding.detail


def test_shares_are_checked_per_period(context, catalogue):
    context = add_rows(context, [(TRUST, "caseload_male_pct", "90.0", "October 2011"), (TRUST, "caseload_female_pct", "10.0", "October 2011")])
    assert shares_sum_to_100(context, catalogue, SOURCE) == []
    context = set_value(context, row_of(context, TRUST, "caseload_female_pct", "October 2011"), "9.0")
    (finding,) = shares_sum_to_100(context, catalogue, SOURCE)
    assert sorted(finding.rows) == [row_of(context, TRUST, m, "October 2011") for m in ("caseload_male_pct", "caseload_female_pct")]
    assert "October 2011" not in finding.detail


def test_both_checks_report_together(context, catalogue, districts):
    district = district_rows(context, districts)[0]
    context = set_value(context, district, value_of(context, district) + 10000)
    context = set_value(context, share_row(context, TRUST, "caseload_male_pct"), "90.0")
    findings = parts_add_up(context, catalogue, SOURCE) + shares_sum_to_100(context, catalogue, SOURCE)
    assert set(by_rule(findings)) == {"context.population.parts_add_up", "context.caseload_gender.sums_to_100"}


# ---------------------------------------------------------------- through read_return and validate_return


def test_a_broken_district_population_is_reported_by_validation_with_file_and_rows(tmp_path, catalogue, written_context,
                                                                                    districts):
    folder = hampshire_like(tmp_path)
    district = district_rows(written_context, districts)[0]
    set_cell(SOURCE, district, "value", str(int(value_of(written_context, district)) + 5000))(folder)
    result = validate_return(read_return(locate_return(folder), KIND.limits), catalogue)
    assert not result.ok
    finding = by_rule(result.findings)["context.population.parts_add_up"]
    assert [f.rule_id for f in result.findings] == ["context.population.parts_add_up"]
    assert finding.source == "context.csv"
    assert sorted(finding.rows) == sorted([county_row(written_context), *district_rows(written_context, districts)])
    described = finding.describe()
    assert described.startswith("context.csv, rows ")
    assert "column value" in described and f"({len(districts) + 1} rows)" in described
    assert "1,322,800" in described and "1,317,800" in described


def test_validation_does_not_add_up_values_that_are_not_numbers(tmp_path: Path, catalogue, written_context, districts):
    folder = hampshire_like(tmp_path)
    district = district_rows(written_context, districts)[0]
    set_cell(SOURCE, district, "value", f"{int(value_of(written_context, district)):,}")(folder)
    result = validate_return(read_return(locate_return(folder), KIND.limits), catalogue)
    rule_ids = {f.rule_id for f in result.findings}
    assert "context.value.number" in rule_ids
    assert "context.population.parts_add_up" not in rule_ids
