"""The synthetic demo programme (flows/demo.py): deterministic, within the landing contract, and
Hampshire's return gives back the published report under the methodology's scoring rule.

The scorer here is written independently of the platform's (plain csv + fractions.Fraction), so
that a bug shared by the generator and the platform cannot hide.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from flows import demo

REPO_ROOT = Path(__file__).resolve().parents[2]
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
    assert 1 <= inspection.position_in_group <= 6

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
    if questionnaire.exists():
        assert header(questionnaire) == ["respondent_id", *[q["question_id"] for q in victim_questions], "comment"]
        rows = read_csv(questionnaire)
        assert 1 <= len(rows) <= 8
        assert len({row["respondent_id"] for row in rows}) == len(rows)
        for question in victim_questions:
            options = set(question["answer_options"].split("|")) | {""}  # blank = not answered
            assert {row[question["question_id"]] for row in rows} <= options, question["question_id"]
        assert all(row["comment"].startswith("Synthetic demo comment") for row in rows if row["comment"])

    context = folder / "context.csv"
    assert context.exists()  # every demo area has some context
    assert header(context) == ["geography", "measure", "value", "period", "source"]
    measures = {row["measure"]: row for row in seed("code_lists/context_measures.csv")}
    rows = read_csv(context)
    assert len({(r["geography"], r["measure"], r["period"]) for r in rows}) == len(rows)
    for row in rows:
        assert re.fullmatch(r"-?\d+(\.\d+)?", row["value"]), row
        spec = measures[row["measure"]]
        assert float(spec["min_value"]) <= float(row["value"]) <= float(spec["max_value"]), row


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
