"""The synthetic demo programme (flows/demo/): deterministic, within the landing contract, and
Hampshire's return gives back the published report under the methodology's scoring rule.

The scorer here is written independently of the platform's (plain csv + fractions.Fraction), so
that a bug shared by the generator and the platform cannot hide.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from flows import demo
from flows.core.catalogue import load_catalogue

REPO_ROOT = Path(__file__).resolve().parents[3]
SEEDS = REPO_ROOT / "dbt" / "seeds"
BACKTEST = REPO_ROOT / "tests" / "backtest"

INSPECTION_KEYS = [
    "inspection_id",
    "area",
    "group_id",
    "group_theme",
    "position_in_group",
    "fieldwork_start",
    "methodology",
    "synthetic",
]
CASE_COLUMNS = ["case_ref", "case_type", "gender", "ethnicity", "rosh", "principal_offence"]
CONTRACT_ORDER = ["inspection.yaml", "cases.csv", "answers.csv", "victim_questionnaire.csv", "context.csv", "_READY"]
VIOLENT_OFFENCE_GROUPS = {"violence_against_the_person", "robbery", "weapons", "public_order"}
INSPECTIONS = {inspection.inspection_id: inspection for inspection in demo.DEMO_INSPECTIONS}


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def header(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def seed(relative: str) -> list[dict[str, str]]:
    return read_csv(SEEDS / relative)


def seed_codes(relative: str, column: str) -> set[str]:
    return {row[column] for row in seed(relative)}


QUESTIONS = seed("methodology/questions.csv")
QUESTION_IDS = [q["question_id"] for q in QUESTIONS]


# ---------------------------------------------------------------- an independent scorer


def question_counts(answers_csv: Path) -> dict[str, tuple[int, int]]:
    """question_id -> (n_relevant, n_sufficient)."""
    relevant: Counter[str] = Counter()
    sufficient: Counter[str] = Counter()
    for row in read_csv(answers_csv):
        if row["answer"] != "n/a":
            relevant[row["question_id"]] += 1
            sufficient[row["question_id"]] += row["answer"] == "yes"
    return {q: (relevant[q], sufficient[q]) for q in QUESTION_IDS}


def outcome_scores(answers_csv: Path) -> dict[int, Fraction]:
    """Unweighted mean of question scores per outcome; questions with no relevant case left out."""
    counts = question_counts(answers_csv)
    by_outcome: dict[int, list[Fraction]] = defaultdict(list)
    for row in seed("methodology/question_outcomes.csv"):
        n_relevant, n_sufficient = counts[row["question_id"]]
        if n_relevant:
            by_outcome[int(row["outcome_code"])].append(Fraction(n_sufficient, n_relevant))
    return {outcome: sum(scores, Fraction(0)) / len(scores) for outcome, scores in by_outcome.items()}


def published_pct(score: Fraction) -> int:
    """x 100, rounded half up."""
    return int(score * 100 + Fraction(1, 2))


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("landing")
    demo.write_demo_programme(root)
    return root


def return_folder(landing: Path, inspection_id: str) -> Path:
    return landing / "inspections" / inspection_id


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- determinism and layout


def test_two_writes_give_identical_bytes(tmp_path: Path) -> None:
    demo.write_demo_programme(tmp_path / "first")
    demo.write_demo_programme(tmp_path / "second")
    first, second = tree_bytes(tmp_path / "first"), tree_bytes(tmp_path / "second")
    assert first.keys() == second.keys()
    assert first == second


def test_programme_is_the_eleven_inspections_in_fieldwork_order(tmp_path: Path) -> None:
    paths = demo.write_demo_programme(tmp_path)
    ids = [inspection.inspection_id for inspection in demo.DEMO_INSPECTIONS]
    assert paths == [tmp_path / "inspections" / i for i in ids]
    assert len(ids) == len(set(ids)) == 11
    starts = [inspection.fieldwork_start for inspection in demo.DEMO_INSPECTIONS]
    assert starts == sorted(starts)

    positions = {(i.group_id, i.position_in_group): i.inspection_id for i in demo.DEMO_INSPECTIONS}
    violence, children = "iaow-2013-violent-offending", "iaow-2014-protecting-children"
    assert [positions[violence, n] for n in range(1, 7)] == [
        "placeholder-area-a-2013",
        "placeholder-area-b-2013",
        "devon-and-cornwall-2013",
        "hampshire-2013",
        "northumbria-2013",
        "northamptonshire-2013",
    ]
    assert [positions[children, n] for n in range(1, 5)] == [
        "placeholder-area-c-2014",
        "placeholder-area-d-2014",
        "placeholder-area-e-2014",
        "london-2014",
    ]
    for inspection in demo.DEMO_INSPECTIONS:
        assert inspection.inspection_id.endswith(f"-{inspection.fieldwork_start.year}")
    assert INSPECTIONS["hampshire-2013"].n_cases == 85
    assert all(i.fieldwork_start.year == 2013 and 4 <= i.fieldwork_start.month <= 9 for i in demo.DEMO_INSPECTIONS[:6])


def test_files_are_written_in_contract_order_with_ready_last(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    written: dict[str, list[str]] = defaultdict(list)
    real_write = demo._write_bytes

    def recording_write(path: Path, data: bytes) -> None:
        written[path.parent.name].append(path.name)
        real_write(path, data)

    monkeypatch.setattr(demo, "_write_bytes", recording_write)
    demo.write_demo_programme(tmp_path)
    assert set(written) == set(INSPECTIONS)
    for inspection_id, names in written.items():
        assert names[:3] == ["inspection.yaml", "cases.csv", "answers.csv"], inspection_id
        assert names[-1] == "_READY", inspection_id
        assert names == [name for name in CONTRACT_ORDER if name in names], inspection_id


def test_write_return_writes_one_folder(tmp_path: Path) -> None:
    inspection = INSPECTIONS["london-2014"]
    folder = demo.write_return(inspection, tmp_path / "london-2014")
    assert folder == tmp_path / "london-2014"
    assert (folder / "_READY").read_bytes() == b""


# ---------------------------------------------------------------- the landing contract


@pytest.mark.parametrize("inspection_id", list(INSPECTIONS))
def test_return_satisfies_the_landing_contract(landing: Path, inspection_id: str) -> None:
    folder = return_folder(landing, inspection_id)
    inspection = INSPECTIONS[inspection_id]
    names = {p.name for p in folder.iterdir()}
    assert {"inspection.yaml", "cases.csv", "answers.csv", "_READY"} <= names <= set(CONTRACT_ORDER)
    assert (folder / "_READY").read_bytes() == b""

    document = yaml.safe_load((folder / "inspection.yaml").read_text(encoding="utf-8"))
    assert list(document) == INSPECTION_KEYS
    assert document == {
        "inspection_id": inspection_id,
        "area": inspection.area,
        "group_id": inspection.group_id,
        "group_theme": inspection.group_theme,
        "position_in_group": inspection.position_in_group,
        "fieldwork_start": inspection.fieldwork_start,
        "methodology": inspection.methodology,
        "synthetic": True,
    }
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]{2,63}", inspection_id)
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]{2,63}", inspection.group_id)
    assert 1 <= inspection.position_in_group <= load_catalogue().group_size

    for path in folder.glob("*.csv"):
        data = path.read_bytes()
        data.decode("utf-8")
        assert b"\r" not in data, path.name

    assert header(folder / "cases.csv") == CASE_COLUMNS
    cases = read_csv(folder / "cases.csv")
    (methodology,) = [m for m in seed("methodology/methodologies.csv") if m["methodology_id"] == inspection.methodology]
    assert int(methodology["min_cases"]) <= len(cases) <= int(methodology["max_cases"])
    assert len(cases) == inspection.n_cases
    refs = [case["case_ref"] for case in cases]
    assert len(set(refs)) == len(refs)
    assert all(re.fullmatch(r"SYN-[A-Z]{3}-\d{5}", ref) for ref in refs)
    for column, code_list, code_column in [
        ("case_type", "case_types.csv", "case_type"),
        ("gender", "genders.csv", "gender"),
        ("ethnicity", "ethnicities.csv", "ethnicity"),
        ("rosh", "rosh_levels.csv", "rosh"),
        ("principal_offence", "offence_codes.csv", "offence_code"),
    ]:
        assert {case[column] for case in cases} <= seed_codes(f"code_lists/{code_list}", code_column), column

    assert header(folder / "answers.csv") == ["case_ref", "question_id", "answer"]
    answers = read_csv(folder / "answers.csv")
    pairs = Counter((row["case_ref"], row["question_id"]) for row in answers)
    assert set(pairs) == {(ref, q) for ref in refs for q in QUESTION_IDS}
    assert set(pairs.values()) == {1}
    assert {row["answer"] for row in answers} <= seed_codes("code_lists/answer_values.csv", "answer")


@pytest.mark.parametrize("inspection_id", list(INSPECTIONS))
def test_optional_tables_satisfy_the_landing_contract(landing: Path, inspection_id: str) -> None:
    folder = return_folder(landing, inspection_id)
    victim_questions = seed("code_lists/victim_questions.csv")
    questionnaire = folder / "victim_questionnaire.csv"
    assert questionnaire.exists()  # every demo area has victim respondents
    assert header(questionnaire) == ["respondent_id", *[q["question_id"] for q in victim_questions], "comment"]
    rows = read_csv(questionnaire)
    assert 1 <= len(rows) <= 12
    assert len({row["respondent_id"] for row in rows}) == len(rows)
    for question in victim_questions:
        options = set(question["answer_options"].split("|")) | {""}  # blank = not answered
        assert {row[question["question_id"]] for row in rows} <= options, question["question_id"]
    assert all(row["comment"].startswith("Synthetic demo comment") for row in rows if row["comment"])

    context = folder / "context.csv"
    assert context.exists()  # every demo area has some context
    assert header(context) == ["geography", "measure", "value", "period", "source"]
    assert_context_is_valid(read_csv(context), inspection_id)


def assert_context_is_valid(rows: list[dict[str, str]], label: str) -> None:
    """The seeds' checks: values in their measure's range, and the share sets of each geography
    and period: male + female exactly 100, white + minority ethnic at most 100."""
    measures = {row["measure"]: row for row in seed("code_lists/context_measures.csv")}
    assert len({(r["geography"], r["measure"], r["period"]) for r in rows}) == len(rows), label
    shares: dict[tuple[str, str, str], dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        assert re.fullmatch(r"-?\d+(\.\d+)?", row["value"]), (label, row)
        spec = measures[row["measure"]]
        assert float(spec["min_value"]) <= float(row["value"]) <= float(spec["max_value"]), (label, row)
        if spec["unit"] == "percent":
            assert re.fullmatch(r"\d+\.\d", row["value"]), (label, row)  # one decimal place
        if spec["share_set"]:
            shares[spec["share_set"], row["geography"], row["period"]][row["measure"]] = Decimal(row["value"])
    for (share_set, geography, period), values in shares.items():
        where = (label, geography, period)
        if share_set == "caseload_gender":
            assert set(values) == {"caseload_male_pct", "caseload_female_pct"}, where
            assert sum(values.values()) == 100, where
        else:
            assert set(values) == {"caseload_white_pct", "caseload_minority_ethnic_pct"}, where
            assert sum(values.values()) <= 100, where


@pytest.mark.parametrize("inspection_id", list(INSPECTIONS))
def test_questions_with_the_same_applicability_apply_to_the_same_cases(landing: Path, inspection_id: str) -> None:
    applicable: dict[str, set[str]] = defaultdict(set)
    for row in read_csv(return_folder(landing, inspection_id) / "answers.csv"):
        if row["answer"] != "n/a":
            applicable[row["question_id"]].add(row["case_ref"])
    by_rule: dict[str, set[frozenset[str]]] = defaultdict(set)
    for question in QUESTIONS:
        by_rule[question["applies_to"]].add(frozenset(applicable[question["question_id"]]))
    assert {rule: len(sets) for rule, sets in by_rule.items() if len(sets) > 1} == {}


def test_groups_one_and_three_sample_violent_offences_and_group_two_child_protection(landing: Path) -> None:
    groups = {row["offence_code"]: row["offence_group"] for row in seed("code_lists/offence_codes.csv")}
    child_protection_questions = {
        q["question_id"] for q in QUESTIONS if q["applies_to"] == "cases with a child protection concern"
    }
    assert child_protection_questions
    for inspection in demo.DEMO_INSPECTIONS:
        folder = return_folder(landing, inspection.inspection_id)
        if inspection.group_id in ("iaow-2013-violent-offending", "hmip-2018-case-supervision"):
            offences = {case["principal_offence"] for case in read_csv(folder / "cases.csv")}
            assert {groups[o] for o in offences} <= VIOLENT_OFFENCE_GROUPS, inspection.inspection_id
        else:
            child_protection_answers = [
                row["answer"]
                for row in read_csv(folder / "answers.csv")
                if row["question_id"] in child_protection_questions
            ]
            assert "n/a" not in child_protection_answers, inspection.inspection_id


# ---------------------------------------------------------------- Hampshire: the back-test


def test_hampshire_reproduces_the_published_outcome_scores(landing: Path) -> None:
    scores = outcome_scores(return_folder(landing, "hampshire-2013") / "answers.csv")
    published = {
        int(row["outcome_code"]): int(row["score_pct"])
        for row in read_csv(BACKTEST / "hampshire_2013_outcome_scores.csv")
    }
    assert published == {1: 79, 2: 82, 3: 75, 4: 76, 5: 77}
    assert {outcome: published_pct(score) for outcome, score in scores.items()} == published
    for outcome, score in scores.items():
        # Far enough from a .5 boundary that no rounding slip could change the published number.
        assert abs(score * 100 - published[outcome]) <= Fraction(4, 10), outcome


def test_hampshire_reproduces_every_fraction_the_report_states(landing: Path) -> None:
    counts = question_counts(return_folder(landing, "hampshire-2013") / "answers.csv")
    stated = read_csv(BACKTEST / "hampshire_2013_question_fractions.csv")
    assert {"q2.1.5", "q3.1.1", "q4.2.5", "q4.2.7"} <= {row["question_id"] for row in stated}
    for row in stated:
        assert counts[row["question_id"]] == (int(row["n_relevant"]), int(row["n_sufficient"])), row["question_id"]
        assert row["source_quote"]


def test_hampshire_meets_every_target_and_the_backtest_holds_only_stated_ones(landing: Path) -> None:
    counts = question_counts(return_folder(landing, "hampshire-2013") / "answers.csv")
    targets = read_csv(demo.HAMPSHIRE_TARGETS_FILE)
    assert [row["question_id"] for row in targets] == QUESTION_IDS
    for row in targets:
        assert counts[row["question_id"]] == (int(row["n_relevant"]), int(row["n_sufficient"])), row["question_id"]
    stated = [row for row in targets if not row["source_quote"].startswith("calibrated")]
    assert stated == read_csv(BACKTEST / "hampshire_2013_question_fractions.csv")


def test_hampshire_case_mix_follows_the_report(landing: Path) -> None:
    folder = return_folder(landing, "hampshire-2013")
    cases = read_csv(folder / "cases.csv")
    groups = {row["offence_code"]: row["offence_group"] for row in seed("code_lists/offence_codes.csv")}
    assert len(cases) == 85
    assert Counter(case["gender"] for case in cases)["female"] == 10
    assert Counter(case["rosh"] for case in cases)["not_recorded"] == 4
    assert Counter(groups[case["principal_offence"]] for case in cases)["weapons"] == 4

    counts = question_counts(folder / "answers.csv")
    relevant_by_rule = {q["applies_to"]: counts[q["question_id"]][0] for q in QUESTIONS}
    assert relevant_by_rule["cases with a pre-sentence report"] == 51
    assert relevant_by_rule["licence cases with a statutory victim"] == 19
    assert relevant_by_rule["cases where alcohol is an offending-related factor"] == 63


def test_hampshire_victim_questionnaire_matches_the_report(landing: Path) -> None:
    rows = read_csv(return_folder(landing, "hampshire-2013") / "victim_questionnaire.csv")
    assert len(rows) == 4
    reported = [row for row in rows if row["vq_reported_concerns_to_trust"] == "yes"]
    assert len(reported) == 3
    assert Counter(row["vq_satisfied_with_response_to_concerns"] for row in reported) == {"yes": 2, "no": 1}
    assert all(row["vq_feel_safer"] == "yes" for row in rows)
    assert Counter(row["vq_overall_satisfaction"] for row in rows) == {"completely": 2, "partly": 2}
    assert sum(1 for row in rows if row["comment"]) == 1


def test_hampshire_context_carries_appendix_1(landing: Path) -> None:
    rows = read_csv(return_folder(landing, "hampshire-2013") / "context.csv")
    values = {(row["geography"], row["measure"]): row["value"] for row in rows}
    census = [row for row in rows if row["measure"] == "population"]
    assert len(census) == 16
    census_label = ("2011", "Office for National Statistics 2011 Census")
    assert {(row["period"], row["source"]) for row in census} == {census_label}
    not_districts = {"Hampshire", "Isle of Wight", "Portsmouth", "Southampton", "England and Wales"}
    districts = [row for row in census if row["geography"] not in not_districts]
    assert len(districts) == 11
    assert sum(int(row["value"]) for row in districts) == int(values["Hampshire", "population"]) == 1317800
    assert {r["geography"] for r in rows if r["measure"] == "unemployment_rate_pct"} == {r["geography"] for r in census}
    assert {r["geography"] for r in rows if r["measure"] == "bme_population_pct"} == {r["geography"] for r in census}
    assert values["Rushmoor", "bme_population_pct"] == "15.3"
    assert values["England and Wales", "unemployment_rate_pct"] == "8.0"
    assert values["England and Wales", "population"] == "56075900"
    assert values["Hampshire", "violence_against_person_rate_per_1000"] == "13"
    assert values["England and Wales", "violence_against_person_rate_per_1000"] == "14"
    assert {m: v for (g, m), v in values.items() if g == "Hampshire Probation Trust"} == {
        "caseload_total": "5981",
        "caseload_white_pct": "87.1",
        "caseload_minority_ethnic_pct": "6.9",
        "caseload_male_pct": "88.9",
        "caseload_female_pct": "11.1",
    }
    assert {m: v for (g, m), v in values.items() if g == "England and Wales" and m.startswith("caseload")} == {
        "caseload_white_pct": "77.1",
        "caseload_minority_ethnic_pct": "19.7",
        "caseload_male_pct": "89.9",
        "caseload_female_pct": "10.1",
    }


def test_hampshire_context_is_the_report_s_appendix_row_for_row() -> None:
    rows = demo.build_context(INSPECTIONS["hampshire-2013"])
    labour_market = ("October to September 2012", "Office for National Statistics Local Labour Market Indicators")
    census = ("2011", "Office for National Statistics 2011 Census")
    crime_survey = ("2011/2012", "Crime Survey for England and Wales, 2011/2012")
    caseload = ("October 2012", "Analytical Services, Ministry of Justice")
    assert len(rows) == 16 * 3 + 2 + 9
    assert rows[:3] == [
        ("Basingstoke and Deane", "unemployment_rate_pct", "5.4", *labour_market),
        ("Basingstoke and Deane", "population", "167800", *census),
        ("Basingstoke and Deane", "bme_population_pct", "7.1", *census),
    ]
    assert rows[45:50] == [
        ("England and Wales", "unemployment_rate_pct", "8.0", *labour_market),
        ("England and Wales", "population", "56075900", *census),
        ("England and Wales", "bme_population_pct", "14.1", *census),
        ("Hampshire", "violence_against_person_rate_per_1000", "13", *crime_survey),
        ("England and Wales", "violence_against_person_rate_per_1000", "14", *crime_survey),
    ]
    assert rows[50:] == [
        ("Hampshire Probation Trust", "caseload_total", "5981", *caseload),
        ("Hampshire Probation Trust", "caseload_white_pct", "87.1", *caseload),
        ("Hampshire Probation Trust", "caseload_minority_ethnic_pct", "6.9", *caseload),
        ("Hampshire Probation Trust", "caseload_male_pct", "88.9", *caseload),
        ("Hampshire Probation Trust", "caseload_female_pct", "11.1", *caseload),
        ("England and Wales", "caseload_white_pct", "77.1", *caseload),
        ("England and Wales", "caseload_minority_ethnic_pct", "19.7", *caseload),
        ("England and Wales", "caseload_male_pct", "89.9", *caseload),
        ("England and Wales", "caseload_female_pct", "10.1", *caseload),
    ]


# ---------------------------------------------------------------- the other areas


@pytest.mark.parametrize("inspection_id", [i for i in INSPECTIONS if i != "hampshire-2013"])
def test_other_areas_score_between_50_and_95_percent(landing: Path, inspection_id: str) -> None:
    scores = outcome_scores(return_folder(landing, inspection_id) / "answers.csv")
    assert set(scores) == {1, 2, 3, 4, 5}
    assert all(Fraction(1, 2) <= score <= Fraction(95, 100) for score in scores.values()), scores


# ---------------------------------------------------------------- the catalogue the generator follows


def test_catalogue_follows_the_methodology() -> None:
    criteria = {row["criterion_code"]: row for row in seed("methodology/criteria.csv")}
    assert set(criteria) == {
        "1.1", "1.4", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4",
        "4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "5.4", "5.5",
    }  # fmt: skip
    interviews = {code for code, row in criteria.items() if row["evidence_source"] == "interviews"}
    assert interviews == {"1.4", "2.4", "3.4", "4.4", "5.4"}
    assert 45 <= len(QUESTIONS) <= 60
    per_criterion = Counter(q["criterion_code"] for q in QUESTIONS)
    case_assessment = {c for c, row in criteria.items() if row["evidence_source"] == "case_assessment"}
    assert set(per_criterion) == case_assessment
    assert min(per_criterion.values()) >= 2
    for code in case_assessment:
        ids = [q["question_id"] for q in QUESTIONS if q["criterion_code"] == code]
        assert ids == [f"q{code}.{n}" for n in range(1, len(ids) + 1)]
    assert {q["answer_scale"] for q in QUESTIONS} == {"yes_no_na"}
    assert {q["methodology_id"] for q in QUESTIONS} == {"iaow-2013"}

    mapped: dict[str, set[int]] = defaultdict(set)
    for row in seed("methodology/question_outcomes.csv"):
        mapped[row["question_id"]].add(int(row["outcome_code"]))
    for question in QUESTIONS:
        outcome = int(criteria[question["criterion_code"]]["outcome_code"])
        victim_harm = question["criterion_code"] in {"5.1", "5.2", "5.3"}
        assert mapped[question["question_id"]] == ({outcome, 4} if victim_harm else {outcome}), question["question_id"]


AREA_MEASURES = [
    "unemployment_rate_pct",
    "population",
    "bme_population_pct",
    "caseload_total",
    "caseload_white_pct",
    "caseload_minority_ethnic_pct",
    "caseload_male_pct",
    "caseload_female_pct",
]


def test_every_return_renders_a_victim_questionnaire_and_a_valid_context() -> None:
    catalogue = demo.load_demo_catalogue()
    for inspection in demo.DEMO_INSPECTIONS:
        files = demo.render_return(inspection, catalogue)
        assert {"victim_questionnaire.csv", "context.csv"} <= set(files), inspection.inspection_id
        assert list(files) == [name for name in CONTRACT_ORDER if name in files], inspection.inspection_id
        context = list(csv.DictReader(io.StringIO(files["context.csv"].decode("utf-8"))))
        assert_context_is_valid(context, inspection.inspection_id)


def test_victim_respondents_put_one_area_over_the_disclosure_threshold(landing: Path) -> None:
    respondents = {
        inspection_id: len(read_csv(return_folder(landing, inspection_id) / "victim_questionnaire.csv"))
        for inspection_id in INSPECTIONS
    }
    assert min(respondents.values()) >= 1
    assert respondents["hampshire-2013"] == 4
    assert respondents["placeholder-area-b-2013"] == 2
    assert respondents["placeholder-area-c-2014"] == 3
    assert [i for i, n in respondents.items() if n >= 10] == ["london-2014"]
    assert respondents["london-2014"] == 12


@pytest.mark.parametrize("inspection_id", [i for i in INSPECTIONS if i != "hampshire-2013"])
def test_other_areas_context_has_the_area_and_the_national_comparators(inspection_id: str) -> None:
    inspection = INSPECTIONS[inspection_id]
    rows = demo.build_context(inspection)
    area_rows = [row for row in rows if row[0] == inspection.area]
    assert [row[1] for row in area_rows] == AREA_MEASURES
    assert {row[4] for row in area_rows if row[1] != "population"} == {demo.INVENTED_SOURCE}
    periods = {row[1]: row[3] for row in area_rows}
    assert periods["unemployment_rate_pct"] == "October to September 2012"
    assert periods["population"] == periods["bme_population_pct"] == "2011"
    assert {periods[m] for m in AREA_MEASURES if m.startswith("caseload")} == {"October 2012"}

    hampshire = {(row[0], row[1]): row for row in demo.build_context(INSPECTIONS["hampshire-2013"])}
    national = [row for row in rows if row[0] == "England and Wales"]
    assert [row[1] for row in national] == [m for m in AREA_MEASURES if m != "caseload_total"]
    # Exactly the national rows of Hampshire's appendix: same values, periods and sources.
    assert national == [hampshire["England and Wales", row[1]] for row in national]
    assert len(rows) == len(area_rows) + len(national)


# ---------------------------------------------------------------- the offender survey

SURVEY_QUESTIONS = seed("code_lists/survey_questions.csv")
SURVEYS = {survey.survey_id: survey for survey in demo.DEMO_SURVEYS}


def survey_rows(files: dict[str, bytes]) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files["responses.csv"].decode("utf-8"))))


@pytest.fixture(scope="module")
def rendered_surveys() -> dict[str, dict[str, bytes]]:
    return {survey.survey_id: demo.render_survey(survey) for survey in demo.DEMO_SURVEYS}


def test_survey_rendering_is_deterministic(rendered_surveys: dict[str, dict[str, bytes]]) -> None:
    for survey in demo.DEMO_SURVEYS:
        assert demo.render_survey(survey) == rendered_surveys[survey.survey_id]


def test_surveys_are_the_2012_and_2013_deliveries(rendered_surveys: dict[str, dict[str, bytes]]) -> None:
    assert {i: s.survey_year for i, s in SURVEYS.items()} == {
        "noms-offender-survey-2012": 2012,
        "noms-offender-survey-2013": 2013,
    }
    for survey_id, files in rendered_surveys.items():
        assert list(files) == ["survey.yaml", "responses.csv", "_READY"], survey_id
        assert files["_READY"] == b""
        document = yaml.safe_load(files["survey.yaml"].decode("utf-8"))
        assert list(document) == ["survey_id", "survey_year", "synthetic"]
        assert document == {"survey_id": survey_id, "survey_year": SURVEYS[survey_id].survey_year, "synthetic": True}
        assert b"\r" not in files["responses.csv"]


def test_survey_responses_follow_the_catalogue(rendered_surveys: dict[str, dict[str, bytes]]) -> None:
    for survey_id, files in rendered_surveys.items():
        year = SURVEYS[survey_id].survey_year
        columns = next(csv.reader(io.StringIO(files["responses.csv"].decode("utf-8"))))
        assert columns == ["response_id", "area", *[q["question_id"] for q in SURVEY_QUESTIONS]]
        rows = survey_rows(files)
        ids = [row["response_id"] for row in rows]
        assert len(set(ids)) == len(ids)
        assert all(re.fullmatch(rf"SYN-S{year}-\d{{6}}", i) for i in ids)
        for question in SURVEY_QUESTIONS:
            qid = question["question_id"]
            options = [o for o in question["answer_options"].split("|") if o != "blank"]
            cells = [row[qid] for row in rows]
            if question["answer_type"] == "single":
                assert set(cells) <= {*options, ""}, qid
                assert 0.01 <= cells.count("") / len(cells) <= 0.06, qid  # about 3% blank
            else:
                for cell in cells:
                    if not cell:
                        continue
                    ticked = cell.split(";")
                    # Each option once, in catalogue order.
                    assert ticked == [o for o in options if o in ticked], (qid, cell)
                assert any(";" in cell for cell in cells) and "" in cells, qid


def test_survey_covers_every_demo_area_and_some_uninspected_trusts(
    rendered_surveys: dict[str, dict[str, bytes]],
) -> None:
    demo_areas = {inspection.area for inspection in demo.DEMO_INSPECTIONS}
    trusts = seed_codes("code_lists/probation_areas.csv", "area")
    assert len(demo_areas) == 11
    for survey_id, files in rendered_surveys.items():
        areas = {row["area"] for row in survey_rows(files)}
        others = areas - demo_areas
        assert demo_areas <= areas, survey_id
        assert len(others) == 3 and others <= trusts, survey_id


def test_survey_sizes_include_hampshire_s_565_and_one_small_area(rendered_surveys: dict[str, dict[str, bytes]]) -> None:
    sizes = {
        survey_id: Counter(row["area"] for row in survey_rows(files)) for survey_id, files in rendered_surveys.items()
    }
    s2012, s2013 = sizes["noms-offender-survey-2012"], sizes["noms-offender-survey-2013"]
    assert s2012["Hampshire"] == 565
    assert 400 <= s2013["Hampshire"] <= 700
    assert s2012["Placeholder Area E"] == 7
    assert s2013["Placeholder Area F"] == 4
    small_areas = {"noms-offender-survey-2012": "Placeholder Area E", "noms-offender-survey-2013": "Placeholder Area F"}
    for survey_id, small in small_areas.items():
        others = {area: n for area, n in sizes[survey_id].items() if area not in (small, "Hampshire")}
        assert all(120 <= n <= 900 for n in others.values()), (survey_id, others)


def test_hampshire_2012_survey_follows_the_report(rendered_surveys: dict[str, dict[str, bytes]]) -> None:
    rows = [row for row in survey_rows(rendered_surveys["noms-offender-survey-2012"]) if row["area"] == "Hampshire"]
    others = [row for row in survey_rows(rendered_surveys["noms-offender-survey-2012"]) if row["area"] != "Hampshire"]

    def share(rows: list[dict[str, str]], test: Callable[[dict[str, str]], bool]) -> float:
        return sum(1 for row in rows if test(row)) / len(rows)

    involved = share(rows, lambda r: r["sq_involved_in_sentence_plan"] == "yes")
    # "an even higher level of involvement in sentence planning" than the almost three-quarters seen.
    assert 0.78 <= involved <= 0.86
    assert involved > share(others, lambda r: r["sq_involved_in_sentence_plan"] == "yes")
    # Accommodation "noted by over one-quarter of respondents".
    assert 0.25 < share(rows, lambda r: "accommodation" in r["sq_more_help_with"].split(";")) <= 0.32
    # "generally very positive".
    assert share(rows, lambda r: r["sq_overall_experience"] in ("very_good", "good")) >= 0.8
    assert share(rows, lambda r: r["sq_overall_experience"] == "very_good") > 0.45


def test_write_demo_surveys_writes_ready_last(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "surveys" / "noms-offender-survey-2012").mkdir(parents=True)
    (tmp_path / "surveys" / "noms-offender-survey-2012" / "_READY").write_bytes(b"")
    written: list[Path] = []
    real_write = demo._write_bytes

    def recording_write(path: Path, data: bytes) -> None:
        # A marker from an earlier write is gone before any file is written.
        if not written or written[-1].parent != path.parent:
            assert not (path.parent / "_READY").exists(), path.parent
        written.append(path)
        real_write(path, data)

    monkeypatch.setattr(demo, "_write_bytes", recording_write)
    paths = demo.write_demo_surveys(tmp_path)
    assert paths == [tmp_path / "surveys" / s.survey_id for s in demo.DEMO_SURVEYS]
    for path in paths:
        assert [p.name for p in written if p.parent == path] == ["survey.yaml", "responses.csv", "_READY"]
        assert (path / "_READY").read_bytes() == b""
        assert (path / "responses.csv").read_bytes() == demo.render_survey(SURVEYS[path.name])["responses.csv"]


def test_survey_generator_fails_on_an_unknown_question_or_option(tmp_path: Path) -> None:
    catalogue = (SEEDS / "code_lists" / "survey_questions.csv").read_text(encoding="utf-8")
    (tmp_path / "code_lists").mkdir()
    path = tmp_path / "code_lists" / "survey_questions.csv"

    path.write_text(catalogue + "sq_new_question,About experience,New?,single,yes|no|blank\n", encoding="utf-8")
    with pytest.raises(ValueError, match="sq_new_question"):
        demo.render_survey(demo.DEMO_SURVEYS[0], seeds_dir=tmp_path)

    path.write_text(catalogue.replace("|health|", "|health|gambling|"), encoding="utf-8")
    with pytest.raises(ValueError, match="sq_more_help_with"):
        demo.load_survey_questions(tmp_path)
