"""Property test: random programmes of returns, built by the real dbt project, publish exactly the
marts the independent Fraction reference (tests/reference_scoring.py) computes.

Each example is one programme of 20-25 inspections in groups of up to six. Its rows go straight
into the raw zone of a fresh DuckDB file (no Prefect, no GX: the raw zone has no minimum sample,
so samples of 1-12 cases reach the edge cases), `dbt build` runs in-process with its data tests,
and every row of the scoring marts is compared with the reference. A failing build fails the
test.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import itertools
import math
import random
import shutil
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.config import SEEDS_DIR, paths
from flows.storage.raw_zone import RAW_DDL
from flows.storage.transform import DbtBuildFailed, build_warehouse
from tests import reference_scoring as ref

EXAMPLES = 10
MIN_RETURNS_CHECKED = 200
# the programme constant, read straight from its seed (as the reference reads the methodology)
with open(SEEDS_DIR / "methodology" / "programme_constants.csv", newline="") as _constants:
    GROUP_SIZE = int(next(row["value"] for row in csv.DictReader(_constants) if row["constant"] == "group_size"))
MAX_GROUPS = 5
METHODOLOGIES = ("iaow-2013", "hmip-four-point-bands")
CATALOGUE_ID = "iaow-2013"  # both methodologies score the iaow-2013 questions
QUESTIONS = ref.catalogue().questions_of(CATALOGUE_ID)
KEY_QUESTIONS = sorted({q for m in METHODOLOGIES for q in ref.catalogue().methodologies[m].key_questions})
OUTCOMES = ref.catalogue().outcomes
PROGRAMME_START = dt.date(2013, 4, 1)
DAYS_BETWEEN_GROUPS = 120  # more than a group's fieldwork (6 x 14 days): groups never overlap in time
DAYS_BETWEEN_INSPECTIONS = 14
BOOTSTRAP_RESAMPLES = 2000
FLOAT_TOLERANCE = 1e-12
RATIO_TOLERANCE = 1e-15

# (yes, no, n/a) weights of the answers that no edge case fixes
PROFILES = {"mostly yes": (8, 1, 1), "even": (1, 1, 1), "mostly no": (1, 6, 1), "mostly n/a": (1, 1, 8), "no n/a": (1, 1, 0)}

# raw.cases column -> code list seed whose first column holds the valid codes
CODE_LISTS = {
    "case_type": "case_types.csv",
    "gender": "genders.csv",
    "ethnicity": "ethnicities.csv",
    "rosh": "rosh_levels.csv",
    "principal_offence": "offence_codes.csv",
}

CHECKED = {"programmes": 0, "returns": 0}
_build_numbers = itertools.count(1)


def _codes(seed_file: str) -> list[str]:
    with open(SEEDS_DIR / "code_lists" / seed_file, newline="", encoding="utf-8-sig") as handle:
        return [row[0] for row in itertools.islice(csv.reader(handle), 1, None)]


CODES = {column: _codes(seed_file) for column, seed_file in CODE_LISTS.items()}


# --- What hypothesis draws: a compact plan, expanded deterministically into rows ----------------


@dataclass(frozen=True)
class AnswerPlan:
    """How one return's answers are made; the seed fills in whatever the edge cases leave open."""

    n_cases: int
    profile: str
    blank_outcomes: frozenset[int]  # every question of these outcomes answered n/a by every case
    blank_questions: frozenset[str]  # n/a for every case
    all_yes_questions: frozenset[str]
    seed: int


@dataclass(frozen=True)
class GroupPlan:
    group_id: str
    methodology: str
    first_fieldwork_start: dt.date
    inspections: tuple[AnswerPlan, ...]  # the inspection at position i + 1


@dataclass(frozen=True)
class Inspection:
    inspection_id: str
    group_id: str
    position_in_group: int
    fieldwork_start: dt.date
    methodology: str
    cases: tuple[dict, ...]  # raw.cases rows
    answers: tuple[tuple[str, str, str], ...]  # (case_key, question_id, answer)

    @property
    def group_theme(self) -> str:
        return f"Theme of {self.group_id}"

    @property
    def publication_id(self) -> str:
        return f"pub-{self.inspection_id}"


questions_to_fix = st.sampled_from(QUESTIONS) | st.sampled_from(KEY_QUESTIONS)  # key questions hit often

answer_plans = st.builds(
    AnswerPlan,
    n_cases=st.integers(1, 12),
    profile=st.sampled_from(sorted(PROFILES)),
    blank_outcomes=st.frozensets(st.sampled_from(OUTCOMES), max_size=2),
    blank_questions=st.frozensets(questions_to_fix, max_size=6),
    all_yes_questions=st.frozensets(questions_to_fix, max_size=6),
    seed=st.integers(0, 2**32 - 1),
)


@st.composite
def group_sizes(draw, n_inspections: int, n_groups: int) -> list[int]:
    """Sizes of 1..GROUP_SIZE summing to n_inspections (feasible when n_inspections <= GROUP_SIZE x n_groups)."""
    sizes, left = [], n_inspections
    for groups_left in range(n_groups, 0, -1):
        low = max(1, left - GROUP_SIZE * (groups_left - 1))
        high = min(GROUP_SIZE, left - (groups_left - 1))
        sizes.append(draw(st.just(low) | st.integers(low, high)))  # small groups (one area alone) often
        left -= sizes[-1]
    return sizes


@st.composite
def programmes(draw) -> tuple[GroupPlan, ...]:
    n_inspections = draw(st.integers(20, 25))
    # 20-25 inspections in groups of at most six need at least four groups
    n_groups = draw(st.integers(math.ceil(n_inspections / GROUP_SIZE), MAX_GROUPS))
    sizes = draw(group_sizes(n_inspections, n_groups))
    group_ids = [f"g{i}" for i in range(1, n_groups + 1)]
    time_order = draw(st.permutations(group_ids))  # g1 need not come first: order is by date
    return tuple(
        GroupPlan(
            group_id=group_id,
            methodology=draw(st.sampled_from(METHODOLOGIES)),
            first_fieldwork_start=PROGRAMME_START + dt.timedelta(days=DAYS_BETWEEN_GROUPS * time_order.index(group_id)),
            inspections=tuple(draw(st.lists(answer_plans, min_size=size, max_size=size))),
        )
        for group_id, size in zip(group_ids, sizes, strict=True)
    )


def expand(programme: tuple[GroupPlan, ...]) -> list[Inspection]:
    return [
        expand_inspection(group, position, plan)
        for group in programme
        for position, plan in enumerate(group.inspections, start=1)
    ]


def expand_inspection(group: GroupPlan, position: int, plan: AnswerPlan) -> Inspection:
    rng = random.Random(plan.seed)
    inspection_id = f"{group.group_id}-area-{position}"
    cases = tuple(
        {"inspection_id": inspection_id, "case_key": f"case-{row:02d}", "case_row": row}
        | {column: rng.choice(codes) for column, codes in CODES.items()}
        for row in range(1, plan.n_cases + 1)
    )
    blank = plan.blank_questions | {q for o in plan.blank_outcomes for q in ref.catalogue().outcome_members[o]}
    answers = tuple(
        (case["case_key"], question_id, answer_to(question_id, plan, blank, rng))
        for case in cases
        for question_id in QUESTIONS
    )
    return Inspection(
        inspection_id=inspection_id,
        group_id=group.group_id,
        position_in_group=position,
        fieldwork_start=group.first_fieldwork_start + dt.timedelta(days=DAYS_BETWEEN_INSPECTIONS * (position - 1)),
        methodology=group.methodology,
        cases=cases,
        answers=answers,
    )


def answer_to(question_id: str, plan: AnswerPlan, blank: set[str], rng: random.Random) -> str:
    if question_id in blank:
        return "n/a"
    if question_id in plan.all_yes_questions:
        return "yes"
    return rng.choices(("yes", "no", "n/a"), weights=PROFILES[plan.profile])[0]


# --- Building the marts: raw zone of a fresh file, then the real dbt build ----------------------


def load_and_build(inspections: list[Inspection], folder: Path) -> Path:
    """A fresh private file with these returns in its raw zone, built by dbt; DbtBuildFailed if not."""
    folder.mkdir(parents=True)
    # dbt bakes the file stem into its views and its cached manifest: keep the platform's name
    database = folder / "private.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(RAW_DDL)
        load_raw_zone(connection, inspections)
    build_warehouse(paths(), database)
    return database


def load_raw_zone(connection: duckdb.DuckDBPyConnection, inspections: list[Inspection]) -> None:
    received_at = dt.datetime(2014, 6, 1, 12, tzinfo=dt.timezone.utc)
    for number, inspection in enumerate(inspections):
        sha256 = hashlib.sha256(inspection.inspection_id.encode()).hexdigest()
        connection.execute(
            "insert into raw.inspections values (?, ?, ?, ?, ?, ?, ?, true, ?, ?, ?)",
            [
                inspection.inspection_id, f"Area {inspection.inspection_id}", inspection.group_id,
                inspection.group_theme, inspection.position_in_group, inspection.fieldwork_start,
                inspection.methodology, sha256, received_at, inspection.publication_id,
            ],
        )
        connection.execute(
            "insert into raw.publications values (?, ?, ?, ?, 'return')",
            [inspection.publication_id, received_at + dt.timedelta(minutes=number), inspection.inspection_id, sha256],
        )
    cases = pd.DataFrame([case for inspection in inspections for case in inspection.cases])
    answers = pd.DataFrame(
        [(i.inspection_id, *answer) for i in inspections for answer in i.answers],
        columns=["inspection_id", "case_key", "question_id", "answer"],
    )
    insert_frame(connection, "raw.cases", cases)
    insert_frame(connection, "raw.answers", answers)


def insert_frame(connection: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Thousands of rows at once, matched to the table's columns by name."""
    connection.register("incoming", frame)
    connection.execute(f"insert into {table} by name select * from incoming")
    connection.unregister("incoming")


MART_KEYS = {
    "dim_inspection": ("inspection_id",),
    "fct_question_scores": ("inspection_id", "question_id"),
    "fct_criterion_scores": ("inspection_id", "criterion_code"),
    "fct_outcome_scores": ("inspection_id", "outcome_code"),
    "fct_group_question_scores": ("group_id", "question_id"),
    "fct_group_outcome_scores": ("group_id", "outcome_code"),
    "fct_area_group_comparisons": ("inspection_id", "outcome_code"),
    "fct_programme_outcome_scores": ("group_id", "outcome_code"),
}


def read_marts(database: Path) -> dict[str, list[dict]]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return {table: _dicts(connection, f"select * from marts.{table}") for table in MART_KEYS}


def _dicts(connection: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = connection.execute(sql)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


# --- Comparing: every mismatch is collected, then reported together -----------------------------


class Mismatches:
    def __init__(self) -> None:
        self.found: list[str] = []

    def exact(self, where: str, column: str, published: object, expected: object) -> None:
        if published != expected or isinstance(published, bool) != isinstance(expected, bool):  # True == 1
            self.found.append(f"{where}.{column}: published {published!r}, reference {expected!r}")

    def ratio(self, where: str, column: str, published: float | None, expected: Fraction | None) -> None:
        """A double computed from an exact value: the correctly rounded float, within 1e-15."""
        wanted = None if expected is None else float(expected)
        if not _close(published, wanted, RATIO_TOLERANCE):
            self.found.append(f"{where}.{column}: published {published!r}, reference {expected} = {wanted!r}")

    def close(self, where: str, column: str, published: float | None, expected: float | None) -> None:
        if not _close(published, expected, FLOAT_TOLERANCE):
            self.found.append(f"{where}.{column}: published {published!r}, reference {expected!r}")

    def that(self, where: str, what: str, holds: bool) -> None:
        if not holds:
            self.found.append(f"{where}: expected {what}")

    def keys(self, table: str, published: dict, expected: set) -> None:
        if set(published) != expected:
            missing, extra = sorted(expected - set(published)), sorted(set(published) - expected)
            self.found.append(f"{table}: rows missing {missing[:5]} ({len(missing)}), unexpected {extra[:5]} ({len(extra)})")

    def assert_none(self) -> None:
        shown = "\n".join(self.found[:40])
        assert not self.found, f"{len(self.found)} mismatches between the marts and the reference:\n{shown}"


def _close(published: float | None, expected: float | None, tolerance: float) -> bool:
    if published is None or expected is None:
        return published is None and expected is None
    return published == expected or abs(published - expected) <= tolerance


def _keyed(rows: list[dict], key: tuple[str, ...]) -> dict[tuple, dict]:
    return {tuple(row[k] for k in key): row for row in rows}


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _difference(a: Fraction | None, b: Fraction | None) -> float | None:
    return None if a is None or b is None else float(a - b)


# --- The checks, one per mart ------------------------------------------------------------------


@dataclass
class Programme:
    """The generated programme with the reference's per-inspection counts."""

    inspections: list[Inspection]
    counts: dict[str, ref.Counts]  # inspection_id -> question counts

    @property
    def groups(self) -> dict[str, list[Inspection]]:
        groups: dict[str, list[Inspection]] = defaultdict(list)
        for inspection in self.inspections:
            groups[inspection.group_id].append(inspection)
        return groups

    def pooled(self, inspections: list[Inspection]) -> ref.Counts:
        return ref.pooled([self.counts[i.inspection_id] for i in inspections])


def check_dim_inspection(programme: Programme, marts: dict, m: Mismatches) -> None:
    published = _keyed(marts["dim_inspection"], MART_KEYS["dim_inspection"])
    m.keys("dim_inspection", published, {(i.inspection_id,) for i in programme.inspections})
    for inspection in programme.inspections:
        row, where = published.get((inspection.inspection_id,)), f"dim_inspection[{inspection.inspection_id}]"
        if row is None:
            continue
        m.exact(where, "n_cases", row["n_cases"], len(inspection.cases))
        m.exact(where, "group_id", row["group_id"], inspection.group_id)
        m.exact(where, "position_in_group", row["position_in_group"], inspection.position_in_group)
        m.exact(where, "methodology", row["methodology"], inspection.methodology)


def check_question_counts(where: str, row: dict, k: int, n: int, m: Mismatches) -> None:
    """Counts, score, percentage and Wilson interval of one question (an area's or a group's)."""
    m.exact(where, "n_sufficient", row["n_sufficient"], k)
    m.exact(where, "n_relevant", row["n_relevant"], n)
    m.ratio(where, "score", row["score"], ref.question_score(k, n))
    m.exact(where, "score_pct", row["score_pct"], ref.published_percentage(ref.question_score(k, n)))
    interval = ref.wilson_interval(k, n)
    m.close(where, "ci_low", row["ci_low"], None if interval is None else interval[0])
    m.close(where, "ci_high", row["ci_high"], None if interval is None else interval[1])


def check_question_scores(programme: Programme, marts: dict, m: Mismatches) -> None:
    published = _keyed(marts["fct_question_scores"], MART_KEYS["fct_question_scores"])
    m.keys("fct_question_scores", published, {(i.inspection_id, q) for i in programme.inspections for q in QUESTIONS})
    for inspection in programme.inspections:
        for question_id, (k, n) in programme.counts[inspection.inspection_id].items():
            row = published.get((inspection.inspection_id, question_id))
            if row is None:
                continue
            where = f"fct_question_scores[{inspection.inspection_id}, {question_id}]"
            check_question_counts(where, row, k, n, m)
            m.exact(where, "n_answers", row["n_answers"], len(inspection.cases))
            m.exact(where, "n_not_applicable", row["n_not_applicable"], len(inspection.cases) - n)
            m.exact(where, "criterion_code", row["criterion_code"], ref.catalogue().question_criterion[question_id])
            m.exact(where, "methodology", row["methodology"], inspection.methodology)


def check_outcome_scores(programme: Programme, marts: dict, m: Mismatches) -> None:
    published = _keyed(marts["fct_outcome_scores"], MART_KEYS["fct_outcome_scores"])
    m.keys("fct_outcome_scores", published, {(i.inspection_id, o) for i in programme.inspections for o in OUTCOMES})
    for inspection in programme.inspections:
        for outcome in OUTCOMES:
            row = published.get((inspection.inspection_id, outcome))
            if row is None:
                continue
            where = f"fct_outcome_scores[{inspection.inspection_id}, {outcome}]"
            expected = ref.outcome_reference(inspection.methodology, outcome, programme.counts[inspection.inspection_id])
            for column in ("score", "score_by_criterion", "score_pooled_cases"):
                m.ratio(where, column, row[column], getattr(expected, column))
            for column in ("score_pct", "n_questions", "rating", "rating_points", "score_by_criterion_pct",
                           "score_pooled_cases_pct", "n_sufficient_pooled", "n_relevant_pooled"):
                m.exact(where, column, row[column], getattr(expected, column))
            m.exact(where, "n_cases", row["n_cases"], len(inspection.cases))
            m.exact(where, "methodology", row["methodology"], inspection.methodology)
            m.exact(where, "score_rule", row["score_rule"], ref.catalogue().methodologies[inspection.methodology].score_rule)
            questions = ref.outcome_questions(inspection.methodology, outcome)
            # under lowest_key_question the interval resamples one question, which may skip cases
            resamples_every_case = row["score_rule"] != "lowest_key_question" and every_case_relevant(inspection, questions)
            check_bootstrap_interval(where, row, resamples_every_case, m)


def check_bootstrap_interval(where: str, row: dict, every_case_counts: bool, m: Mismatches) -> None:
    """The bootstrap cannot be reproduced independently; only its shape is checked.

    A resample in which no case is relevant to the outcome has no score and is dropped (the
    mart documents this), so all 2000 resamples count only when every case is relevant to it.
    """
    low, high, resamples = row["ci_low"], row["ci_high"], row["ci_resamples"]
    if row["score"] is None:
        m.that(where, f"no interval without a score, got ({low!r}, {high!r})", low is None and high is None)
        m.exact(where, "ci_resamples", resamples, 0)
        return
    m.that(where, f"0 <= ci_low <= ci_high <= 1, got ({low!r}, {high!r})",
           low is not None and high is not None and 0 <= low <= high <= 1)
    if every_case_counts:
        m.exact(where, "ci_resamples", resamples, BOOTSTRAP_RESAMPLES)
    else:
        m.that(where, f"1 <= ci_resamples <= {BOOTSTRAP_RESAMPLES}, got {resamples!r}", 1 <= resamples <= BOOTSTRAP_RESAMPLES)


def every_case_relevant(inspection: Inspection, questions: list[str]) -> bool:
    """True if each case answered yes or no to at least one of these questions."""
    wanted = set(questions)
    relevant = {case_key for case_key, q, answer in inspection.answers if q in wanted and answer in ("yes", "no")}
    return len(relevant) == len(inspection.cases)


def check_criterion_scores(programme: Programme, marts: dict, m: Mismatches) -> None:
    criteria = ref.catalogue().criteria_with_questions()
    published = _keyed(marts["fct_criterion_scores"], MART_KEYS["fct_criterion_scores"])
    m.keys("fct_criterion_scores", published, {(i.inspection_id, c) for i in programme.inspections for c in criteria})
    for inspection in programme.inspections:
        for criterion in criteria:
            row = published.get((inspection.inspection_id, criterion))
            if row is None:
                continue
            where = f"fct_criterion_scores[{inspection.inspection_id}, {criterion}]"
            expected = ref.criterion_reference(inspection.methodology, criterion, programme.counts[inspection.inspection_id])
            m.ratio(where, "score", row["score"], expected.score)
            for column in ("outcome_code", "score_pct", "n_questions", "rating_basis_pct", "rating"):
                m.exact(where, column, row[column], getattr(expected, column))
            m.exact(where, "methodology", row["methodology"], inspection.methodology)


def check_group_question_scores(programme: Programme, marts: dict, m: Mismatches) -> None:
    published = _keyed(marts["fct_group_question_scores"], MART_KEYS["fct_group_question_scores"])
    m.keys("fct_group_question_scores", published, {(g, q) for g in programme.groups for q in QUESTIONS})
    for group_id, members in programme.groups.items():
        for question_id, (k, n) in programme.pooled(members).items():
            row = published.get((group_id, question_id))
            if row is None:
                continue
            where = f"fct_group_question_scores[{group_id}, {question_id}]"
            check_question_counts(where, row, k, n, m)
            m.exact(where, "n_inspections", row["n_inspections"], len(members))
            m.exact(where, "methodology", row["methodology"], members[0].methodology)


def check_group_outcome_scores(programme: Programme, marts: dict, m: Mismatches) -> None:
    published = _keyed(marts["fct_group_outcome_scores"], MART_KEYS["fct_group_outcome_scores"])
    m.keys("fct_group_outcome_scores", published, {(g, o) for g in programme.groups for o in OUTCOMES})
    for group_id, members in programme.groups.items():
        methodology = members[0].methodology
        for outcome in OUTCOMES:
            row = published.get((group_id, outcome))
            if row is None:
                continue
            where = f"fct_group_outcome_scores[{group_id}, {outcome}]"
            areas = [ref.outcome_reference(methodology, outcome, programme.counts[i.inspection_id]).score for i in members]
            scored = [s for s in areas if s is not None]
            pooled = ref.outcome_reference(methodology, outcome, programme.pooled(members))
            m.exact(where, "n_inspections", row["n_inspections"], len(members))
            m.exact(where, "n_inspections_scored", row["n_inspections_scored"], len(scored))
            m.close(where, "mean_score", row["mean_score"], _float(ref.mean(scored)))
            m.close(where, "min_score", row["min_score"], _float(min(scored, default=None)))
            m.close(where, "max_score", row["max_score"], _float(max(scored, default=None)))
            m.ratio(where, "pooled_score", row["pooled_score"], pooled.score)
            m.exact(where, "pooled_score_pct", row["pooled_score_pct"], pooled.score_pct)
            m.exact(where, "pooled_rating", row["pooled_rating"], pooled.rating)
            m.exact(where, "is_complete", row["is_complete"], len(members) == GROUP_SIZE)
            m.exact(where, "methodology", row["methodology"], methodology)
            m.exact(where, "group_theme", row["group_theme"], members[0].group_theme)
            m.exact(where, "first_fieldwork_start", row["first_fieldwork_start"], min(i.fieldwork_start for i in members))
            m.exact(where, "last_fieldwork_start", row["last_fieldwork_start"], max(i.fieldwork_start for i in members))


def check_area_group_comparisons(programme: Programme, marts: dict, m: Mismatches) -> None:
    published = _keyed(marts["fct_area_group_comparisons"], MART_KEYS["fct_area_group_comparisons"])
    m.keys("fct_area_group_comparisons", published, {(i.inspection_id, o) for i in programme.inspections for o in OUTCOMES})
    for inspection in programme.inspections:
        members = programme.groups[inspection.group_id]
        rest = [i for i in members if i is not inspection]
        for outcome in OUTCOMES:
            row = published.get((inspection.inspection_id, outcome))
            if row is None:
                continue
            where = f"fct_area_group_comparisons[{inspection.inspection_id}, {outcome}]"
            score = ref.outcome_reference(inspection.methodology, outcome, programme.counts[inspection.inspection_id]).score
            target = ref.outcome_reference(inspection.methodology, outcome, programme.pooled(rest)).score if rest else None
            m.exact(where, "group_id", row["group_id"], inspection.group_id)
            m.ratio(where, "score", row["score"], score)
            m.exact(where, "score_pct", row["score_pct"], ref.published_percentage(score))
            m.exact(where, "rest_of_group_n_inspections", row["rest_of_group_n_inspections"], len(rest))
            m.ratio(where, "rest_of_group_score", row["rest_of_group_score"], target)
            m.exact(where, "rest_of_group_score_pct", row["rest_of_group_score_pct"], ref.published_percentage(target))
            m.close(where, "difference", row["difference"], _difference(score, target))
            check_funnel_limits(where, row, target, alone=not rest, m=m)


def check_funnel_limits(where: str, row: dict, target: Fraction | None, alone: bool, m: Mismatches) -> None:
    """Limits from the mart's own null_score_se (a bootstrap figure), flags from the mart's own limits."""
    se = row["null_score_se"]
    if alone:
        m.that(where, f"no null_score_se for an area alone in its group, got {se!r}", se is None)
    m.that(where, f"null_score_se >= 0, got {se!r}", se is None or se >= 0)
    for level, z in (("95", ref.Z_95), ("998", ref.Z_998)):
        compared = target is not None and se is not None
        m.close(where, f"lower_{level}", row[f"lower_{level}"], max(0.0, float(target) - z * se) if compared else None)
        m.close(where, f"upper_{level}", row[f"upper_{level}"], min(1.0, float(target) + z * se) if compared else None)
        score, low, high = row["score"], row[f"lower_{level}"], row[f"upper_{level}"]
        outside = score is not None and low is not None and (score < low or score > high)
        m.exact(where, f"is_outside_{level}", row[f"is_outside_{level}"], outside)


def check_programme_outcome_scores(programme: Programme, marts: dict, m: Mismatches) -> None:
    published = _keyed(marts["fct_programme_outcome_scores"], MART_KEYS["fct_programme_outcome_scores"])
    m.keys("fct_programme_outcome_scores", published, {(g, o) for g in programme.groups for o in OUTCOMES})
    places = ref.programme_places(
        {g: (min(i.fieldwork_start for i in members), members[0].methodology) for g, members in programme.groups.items()}
    )
    for group_id, place in places.items():
        members = programme.groups[group_id]
        for outcome in OUTCOMES:
            row = published.get((group_id, outcome))
            if row is None:
                continue
            where = f"fct_programme_outcome_scores[{group_id}, {outcome}]"
            for column in ("programme_position", "is_methodology_break", "methodology_segment"):
                m.exact(where, column, row[column], getattr(place, column))
            pooled = ref.outcome_reference(members[0].methodology, outcome, programme.pooled(members))
            m.exact(where, "pooled_score_pct", row["pooled_score_pct"], pooled.score_pct)
            m.exact(where, "n_inspections", row["n_inspections"], len(members))
            m.exact(where, "methodology", row["methodology"], members[0].methodology)


CHECKS = (
    check_dim_inspection,
    check_question_scores,
    check_outcome_scores,
    check_criterion_scores,
    check_group_question_scores,
    check_group_outcome_scores,
    check_area_group_comparisons,
    check_programme_outcome_scores,
)


# --- The tests ----------------------------------------------------------------------------------

def with_reference_counts(inspections: list[Inspection]) -> Programme:
    return Programme(
        inspections, {i.inspection_id: ref.counts_of_answers([a[1:] for a in i.answers], i.methodology) for i in inspections}
    )


# Regressions: two valid programmes this test once found the build refusing (a data test failed,
# so nothing was published). Both are pinned here with their values.


def test_a_group_whose_only_area_has_no_score_for_an_outcome_is_published(tmp_path: Path) -> None:
    all_na_on_outcome_1 = AnswerPlan(1, "even", frozenset({1}), frozenset(), frozenset(), seed=0)
    programme = (GroupPlan("g1", "iaow-2013", PROGRAMME_START, (all_na_on_outcome_1,)),)
    database = load_and_build(expand(programme), tmp_path / "build")
    row = _keyed(read_marts(database)["fct_group_outcome_scores"], MART_KEYS["fct_group_outcome_scores"])[("g1", 1)]
    assert (row["n_inspections_scored"], row["mean_score"], row["pooled_score"]) == (0, None, None)


def test_the_interval_of_a_lowest_key_question_score_is_that_questions(tmp_path: Path) -> None:
    # g3-area-2, outcome 4: key questions 2/4, 3/7, 4/9, 3/6, 5/9, 3/7 give 3/7 = 0.4286. Re-taking
    # the minimum in every resample gave [0.0, 0.4], below the score; the published interval is
    # the resampled score of the question published as the lowest.
    scores_everything = AnswerPlan(1, "no n/a", frozenset(), frozenset(), frozenset(), seed=0)
    six_close_key_questions = AnswerPlan(12, "even", frozenset({1, 2}), frozenset(), frozenset(), seed=1)
    programme = (GroupPlan("g3", "hmip-four-point-bands", PROGRAMME_START, (scores_everything, six_close_key_questions)),)
    database = load_and_build(expand(programme), tmp_path / "build")
    row = _keyed(read_marts(database)["fct_outcome_scores"], MART_KEYS["fct_outcome_scores"])[("g3-area-2", 4)]
    assert row["score"] == 3 / 7
    assert row["ci_low"] <= row["score"] <= row["ci_high"]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the checkout; a failure prints its reproduction blob
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(plan=programmes())
def test_published_marts_match_the_reference(plan: tuple[GroupPlan, ...], tmp_path: Path) -> None:
    inspections = expand(plan)
    folder = tmp_path / f"build-{next(_build_numbers)}"
    try:
        database = load_and_build(inspections, folder)
    except DbtBuildFailed as failure:
        pytest.fail(f"dbt build failed on a generated programme:\n{failure}", pytrace=False)
    marts = read_marts(database)
    programme = with_reference_counts(inspections)
    mismatches = Mismatches()
    for check in CHECKS:
        check(programme, marts, mismatches)
    mismatches.assert_none()
    shutil.rmtree(folder)  # ~13 MB a build; a failing example's file is kept for inspection
    CHECKED["programmes"] += 1
    CHECKED["returns"] += len(inspections)


def test_enough_returns_were_checked() -> None:
    """Runs after the property test (pytest keeps file order): the sample was as large as promised."""
    print(f"checked against the reference: {CHECKED}")  # shown with -rP
    assert CHECKED["returns"] >= MIN_RETURNS_CHECKED, CHECKED
