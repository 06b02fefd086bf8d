"""The code list of areas (dbt/seeds/code_lists/probation_areas.csv): the `area` of inspection.yaml
and of a survey delivery's responses must be one of its areas, spelt the same way, and one of its
invented (synthetic) areas only in an input that says `synthetic: true`. The findings name the
list, never the value. Every area the demo and the test factories use is in the list."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
import yaml

from expectations import inspection, survey
from flows.config import SEEDS_DIR
from flows.core.catalogue import AREAS_CODE_LIST, AREAS_SEED, load_catalogue
from flows.sources.base import Table
from flows.sources.inspections.kind import KIND as RETURNS
from flows.sources.validation import ValidationResult
from tests.factories import inspection_return

FORMULA = '=HYPERLINK("http://x","y")'
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


# ---------------------------------------------------------------- the list


def test_the_list_holds_the_35_probation_trusts_and_the_invented_areas(catalogue):
    assert len(catalogue.probation_areas) == 35
    assert {"Hampshire", "London", "Devon and Cornwall", "Northumbria", "Northamptonshire", "Wales"} <= set(
        catalogue.probation_areas)
    assert catalogue.synthetic_areas == (*(f"Placeholder Area {letter}" for letter in "ABCDEF"), "Testshire")
    assert all(catalogue.areas[name].area_type == "probation_trust" for name in catalogue.probation_areas)
    assert all(catalogue.areas[name].synthetic for name in catalogue.synthetic_areas)
    assert len(catalogue.areas) == 42 and all(area.description for area in catalogue.areas.values())
    assert str(SEEDS_DIR / AREAS_SEED).endswith(AREAS_CODE_LIST)


def test_the_seed_is_documented_and_typed_for_dbt():
    with open(SEEDS_DIR / AREAS_SEED, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert {row["synthetic"] for row in rows} == {"true", "false"}
    (seed,) = [s for s in yaml.safe_load((SEEDS_DIR / "code_lists" / "_code_lists__seeds.yml").read_text())["seeds"]
               if s["name"] == Path(AREAS_SEED).stem]
    assert [column["name"] for column in seed["columns"]] == reader.fieldnames
    assert set(seed["config"]["column_types"]) == set(reader.fieldnames)
    assert seed["config"]["column_types"]["synthetic"] == "boolean"


def test_every_area_of_the_demo_and_the_factories_is_in_the_list(catalogue):
    from flows.demo.surveys import demo_survey_areas
    from flows.demo.tables import demo_inspections

    demo = {i.area for i in demo_inspections()}
    assert demo | set(demo_survey_areas()) <= set(catalogue.areas)
    assert {a for a in demo if a.startswith("Placeholder")} <= set(catalogue.synthetic_areas)
    assert {"Hampshire", "London"} <= demo - set(catalogue.synthetic_areas)


def test_the_factories_default_area_is_an_invented_one_in_a_synthetic_return(tmp_path, catalogue):
    header = yaml.safe_load((inspection_return(tmp_path) / "inspection.yaml").read_text())
    assert header["area"] in catalogue.synthetic_areas and header["synthetic"] is True


# ---------------------------------------------------------------- inspection.yaml


def _header(**values) -> dict[str, str | None]:
    header = {"inspection_id": "hampshire-2013", "area": "Hampshire", "group_id": "test-group-2013",
              "group_theme": "Test theme", "position_in_group": "1", "fieldwork_start": "2013-06-03",
              "methodology": "iaow-2013", "synthetic": "false"}
    header.update(values)
    return {key: value for key, value in header.items() if value is not ...}


def _inspection_findings(catalogue, **values):
    frame = pd.DataFrame([_header(**values)], index=pd.Index([1]), dtype=object)
    result = ValidationResult([], [])
    result.run_header(Table("inspection", "inspection.yaml", frame),
                      inspection.build_suite("hampshire-2013", list(catalogue.methodologies), catalogue.group_size, catalogue))
    return result.findings


@pytest.mark.parametrize("area, synthetic", [
    ("Hampshire", "false"), ("Hampshire", ...), ("Hampshire", "true"), ("Placeholder Area A", "true"), ("Testshire", "true"),
])
def test_an_area_of_the_list_passes(catalogue, area, synthetic):
    assert _inspection_findings(catalogue, area=area, synthetic=synthetic) == []


@pytest.mark.parametrize("area", ["Atlantis", FORMULA, "hampshire", "Hampshire ", "![x](http://evil/img.png)"])
def test_an_area_not_in_the_list_is_reported_by_key_naming_the_list_not_the_value(catalogue, area):
    found = [f for f in _inspection_findings(catalogue, area=area) if f.rule_id != "inspection.area.length"]
    assert [(f.rule_id, f.key, f.source) for f in found] == [("inspection.area.in_code_list", "area", "inspection.yaml")]
    assert AREAS_CODE_LIST in found[0].rule
    assert area.strip() not in found[0].describe() and "HYPERLINK" not in found[0].describe()


@pytest.mark.parametrize("synthetic", ["false", ...])
def test_an_invented_area_in_a_real_return_is_reported(catalogue, synthetic):
    (finding,) = _inspection_findings(catalogue, area="Placeholder Area A", synthetic=synthetic)
    assert (finding.rule_id, finding.key) == ("inspection.area.synthetic_only", "area")
    assert "synthetic: true" in finding.rule and "Placeholder" not in finding.describe()


def test_a_factory_return_naming_an_unknown_area_is_rejected_through_the_kind(tmp_path, catalogue):
    good = RETURNS.validate(RETURNS.read(RETURNS.locate(inspection_return(tmp_path / "a"))), catalogue, None)
    assert [f.rule_id for f in good.findings if ".area." in f.rule_id] == []
    bad = RETURNS.validate(RETURNS.read(RETURNS.locate(inspection_return(tmp_path / "b", area="Atlantis", context=False))),
                           catalogue, None)
    assert [f.rule_id for f in bad.findings] == ["inspection.area.in_code_list"]
    real = RETURNS.validate(RETURNS.read(RETURNS.locate(inspection_return(tmp_path / "c", synthetic=False, context=False))),
                            catalogue, None)
    assert [f.rule_id for f in real.findings] == ["inspection.area.synthetic_only"]


# ---------------------------------------------------------------- survey responses


def test_a_synthetic_delivery_may_name_every_invented_area(catalogue):
    known = list(catalogue.probation_areas)
    assert set(survey.allowed_areas(catalogue, known, synthetic=True)) == set(catalogue.areas)


def test_a_real_delivery_may_name_no_invented_area_even_if_published(catalogue):
    known = [*catalogue.probation_areas, "Placeholder Area A"]
    assert set(survey.allowed_areas(catalogue, known, synthetic=False)) == set(catalogue.probation_areas)


def test_unsaid_invented_areas_are_allowed_only_once_published(catalogue):
    known = [*catalogue.probation_areas, "Testshire"]
    assert set(survey.allowed_areas(catalogue, known)) == {*catalogue.probation_areas, "Testshire"}


def test_a_known_area_outside_the_list_is_not_allowed(catalogue):
    """An area published before areas were checked against the list is no longer a known area."""
    assert "Atlantis" not in survey.allowed_areas(catalogue, [*catalogue.probation_areas, "Atlantis"])


def _responses_findings(catalogue, areas: list[str], synthetic: bool | None):
    questions = [q.question_id for q in catalogue.survey_questions]
    frame = pd.DataFrame([[f"R{n}", area, *[None] * len(questions)] for n, area in enumerate(areas)],
                         columns=["response_id", "area", *questions], index=pd.RangeIndex(2, 2 + len(areas)), dtype=object)
    result = ValidationResult([], [])
    result.run(Table("responses", "responses.csv", frame),
               survey.responses_suite(catalogue, list(catalogue.probation_areas), synthetic))
    return result.findings


def test_the_responses_rule_names_the_rows_and_the_list_never_the_value(catalogue):
    (finding,) = _responses_findings(catalogue, ["Hampshire", FORMULA, "Placeholder Area B"], synthetic=False)
    assert (finding.rule_id, finding.column, finding.rows) == ("responses.area.known", "area", (3, 4))
    assert finding.rule.startswith("must be a known area") and AREAS_CODE_LIST in finding.rule
    assert "HYPERLINK" not in finding.describe() and "Placeholder" not in finding.describe()
    assert _responses_findings(catalogue, ["Hampshire", "Placeholder Area B"], synthetic=True) == []
