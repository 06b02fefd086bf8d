"""The demo's data files (flows/demo/data/, described in its README.md), read into dataclasses.

Nothing is read at import: each loader reads its file when first asked (functools.lru_cache) and
returns immutable values (mappings as read-only proxies, lists as tuples), so that no caller can
change what the next one gets. `DEMO_INSPECTIONS` and `DEMO_SURVEYS` are still importable by
name: a module `__getattr__` loads them on first use.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

DEMO_DATA_DIR = Path(__file__).parent / "data"
DEMO_INSPECTIONS_FILE = DEMO_DATA_DIR / "demo_inspections.csv"
GROUPS_DIR = DEMO_DATA_DIR / "groups"
AREAS_DIR = DEMO_DATA_DIR / "areas"
CASE_GENDER_WEIGHTS_FILE = DEMO_DATA_DIR / "case_gender_weights.csv"
HAMPSHIRE_CASE_MIX_FILE = DEMO_DATA_DIR / "hampshire_2013_case_mix.yaml"
HAMPSHIRE_CONTEXT_FILE = DEMO_DATA_DIR / "hampshire_2013_context.csv"
HAMPSHIRE_OUTCOME_SCORES_FILE = DEMO_DATA_DIR / "hampshire_2013_outcome_scores.csv"
HAMPSHIRE_TARGETS_FILE = DEMO_DATA_DIR / "hampshire_2013_question_targets.csv"
HAMPSHIRE_VICTIM_RESPONSES_FILE = DEMO_DATA_DIR / "hampshire_2013_victim_responses.csv"
VICTIM_ANSWERS_FILE = DEMO_DATA_DIR / "victim_questionnaire_answers.yaml"
OFFENDER_SURVEYS_FILE = DEMO_DATA_DIR / "offender_surveys.yaml"
SURVEY_ANSWER_WEIGHTS_FILE = DEMO_DATA_DIR / "offender_survey_answer_weights.yaml"

METHODOLOGY_ID = "iaow-2013"
# The return built to give back its published report (the back-test); every other area's is
# generated from rates.
HAMPSHIRE_ID = "hampshire-2013"


# ---------------------------------------------------------------- reading


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_yaml(path: Path) -> Any:
    """A data file's YAML, refusing booleans: every yes/no in the demo's data is an answer code,
    which YAML reads as true/false unless it is quoted."""
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    _refuse_booleans(document, path, ())
    return document


def _refuse_booleans(value: Any, path: Path, where: tuple[str, ...]) -> None:
    if isinstance(value, bool):
        raise ValueError(f"{path.name}: {'/'.join(where) or 'the document'} reads as {value}; quote it")
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, bool):
                raise ValueError(f"{path.name}: a key under {'/'.join(where) or 'the top'} reads as {key}; quote it")
            _refuse_booleans(item, path, (*where, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_booleans(item, path, (*where, str(index)))


def _frozen(value: Any) -> Any:
    """Read-only copy: dicts as mapping proxies, lists as tuples (order kept)."""
    if isinstance(value, dict):
        return MappingProxyType({key: _frozen(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    return value


def _pair(value: Any) -> tuple[int, int]:
    fewest, most = value
    return int(fewest), int(most)


# ---------------------------------------------------------------- the programme


@dataclass(frozen=True)
class DemoInspection:
    """One demo return."""

    inspection_id: str
    area: str
    group_id: str
    group_theme: str
    position_in_group: int
    fieldwork_start: date
    n_cases: int
    # Case references look like a provider's but say they are synthetic: SYN-HAM-04817.
    case_ref_prefix: str
    methodology: str = METHODOLOGY_ID


@dataclass(frozen=True)
class DemoGroup:
    """A thematic group: what its cases look like, whatever the area (shares and weights)."""

    group_id: str
    group_theme: str
    methodology: str
    case_type: Mapping[str, float]
    rosh: Mapping[str, float]
    principal_offence: Mapping[str, float]
    flag_shares: Mapping[str, float]


@lru_cache(maxsize=None)
def demo_group(group_id: str) -> DemoGroup:
    """data/groups/<group_id>.yaml."""
    path = GROUPS_DIR / f"{group_id}.yaml"
    if not path.exists():
        raise ValueError(f"no demo group {group_id}: add {path.relative_to(DEMO_DATA_DIR)}")
    document = _frozen(read_yaml(path))
    return DemoGroup(
        group_id=group_id,
        group_theme=document["group_theme"],
        methodology=document["methodology"],
        case_type=document["case_type"],
        rosh=document["rosh"],
        principal_offence=document["principal_offence"],
        flag_shares=document["flag_shares"],
    )


@lru_cache(maxsize=None)
def demo_inspections() -> tuple[DemoInspection, ...]:
    """The demo returns in fieldwork order (data/demo_inspections.csv), with their group's theme
    and methodology."""
    inspections = []
    for row in read_csv(DEMO_INSPECTIONS_FILE):
        group = demo_group(row["group_id"])
        inspections.append(
            DemoInspection(
                inspection_id=row["inspection_id"],
                area=row["area"],
                group_id=group.group_id,
                group_theme=group.group_theme,
                position_in_group=int(row["position_in_group"]),
                fieldwork_start=date.fromisoformat(row["fieldwork_start"]),
                n_cases=int(row["n_cases"]),
                case_ref_prefix=row["case_ref_prefix"],
                methodology=group.methodology,
            )
        )
    return tuple(inspections)


# ---------------------------------------------------------------- case mixes


@dataclass(frozen=True)
class CaseMix:
    """How an area's sample is made up.

    With `exact`, every value is a count (they must add up to the sample size, and a flag is
    given to exactly that many cases of its pool); otherwise values are weights for the
    categorical attributes and, for flags, the probability that a case of the pool has it.
    """

    exact: bool
    case_type: Mapping[str, float]
    gender: Mapping[str, float]
    ethnicity: Mapping[str, float]
    rosh: Mapping[str, float]
    principal_offence: Mapping[str, float]
    flags: Mapping[str, float]


CASE_MIX_TABLES = ("case_type", "gender", "ethnicity", "rosh", "principal_offence", "flags")


@lru_cache(maxsize=None)
def hampshire_case_mix() -> CaseMix:
    """Hampshire's exact counts, from its report (data/hampshire_2013_case_mix.yaml)."""
    document = _frozen(read_yaml(HAMPSHIRE_CASE_MIX_FILE))
    return CaseMix(exact=True, **{name: document[name] for name in CASE_MIX_TABLES})


@lru_cache(maxsize=None)
def case_gender_weights() -> Mapping[str, float]:
    """Weights of a synthetic case's gender, every area but Hampshire."""
    return MappingProxyType({row["gender"]: float(row["weight"]) for row in read_csv(CASE_GENDER_WEIGHTS_FILE)})


# ---------------------------------------------------------------- area profiles


@dataclass(frozen=True)
class AreaContext:
    """An area's invented context.csv values (percentages to one decimal place), in the measures
    of Hampshire's Appendix 1. The caseload's ethnic mix follows the area's sample (`ethnicity`)."""

    unemployment_rate_pct: float
    bme_population_pct: float
    caseload_total: int
    caseload_white_pct: float
    caseload_minority_ethnic_pct: float
    caseload_male_pct: float

    def __post_init__(self) -> None:
        # The remainder, if any, is ethnicity not recorded; more than 100 cannot be.
        if self.caseload_white_pct + self.caseload_minority_ethnic_pct > 100:
            raise ValueError(f"caseload white and minority ethnic shares add up to more than 100: {self}")

    @property
    def caseload_female_pct(self) -> float:
        # Worked in tenths so that male + female is exactly 100 once written to one decimal place.
        return (1000 - round(self.caseload_male_pct * 10)) / 10


@dataclass(frozen=True)
class AreaProfile:
    """An area whose return is generated from rates (every area but Hampshire)."""

    # The outcome scores (1-5, as fractions) the area's work is pitched at.
    outcome_levels: tuple[float, float, float, float, float]
    ethnicity: Mapping[str, float]
    # At least one, so that every return carries a victim questionnaire.
    victim_respondents: int
    population: int
    # `invented`, or `census_2011_rounded` (flows.demo.context.POPULATION_SOURCES).
    population_source: str
    context: AreaContext
    # Rates of particular questions, set from what the area's press release reports.
    question_rates: Mapping[str, float] = field(default_factory=dict)


@lru_cache(maxsize=None)
def area_profile(inspection_id: str) -> AreaProfile:
    """data/areas/<inspection_id>.yaml."""
    path = AREAS_DIR / f"{inspection_id}.yaml"
    if not path.exists():
        raise ValueError(f"no area profile for {inspection_id}: add {path.relative_to(DEMO_DATA_DIR)}")
    document = _frozen(read_yaml(path))
    if document["victim_respondents"] < 1:
        raise ValueError(f"{path.name}: every area needs at least one victim respondent")
    return AreaProfile(
        outcome_levels=_levels(document["outcome_scores_pct"], path),
        ethnicity=document["ethnicity"],
        victim_respondents=document["victim_respondents"],
        population=document["population"],
        population_source=document["population_source"],
        context=AreaContext(**document["context"]),
        question_rates=document.get("question_rates", MappingProxyType({})),
    )


def _levels(scores_pct: tuple[int, ...], path: Path) -> tuple[float, float, float, float, float]:
    if len(scores_pct) != 5:
        raise ValueError(f"{path.name}: {len(scores_pct)} outcome scores, not 5")
    first, second, third, fourth, fifth = (score / 100 for score in scores_pct)
    return first, second, third, fourth, fifth


@lru_cache(maxsize=None)
def hampshire_published_levels() -> tuple[float, float, float, float, float]:
    """Hampshire's published outcome scores (outcomes 1-5, as fractions): the reference the other
    areas' question rates are shifted from."""
    rows = read_csv(HAMPSHIRE_OUTCOME_SCORES_FILE)
    if [int(row["outcome_code"]) for row in rows] != [1, 2, 3, 4, 5]:
        raise ValueError(f"{HAMPSHIRE_OUTCOME_SCORES_FILE.name}: outcomes 1 to 5 in order, one row each")
    return _levels(tuple(int(row["score_pct"]) for row in rows), HAMPSHIRE_OUTCOME_SCORES_FILE)


# ---------------------------------------------------------------- Hampshire's report


@dataclass(frozen=True)
class QuestionTarget:
    n_relevant: int
    n_sufficient: int


@lru_cache(maxsize=None)
def hampshire_question_targets() -> Mapping[str, QuestionTarget]:
    """question_id -> the relevant and sufficient cases Hampshire's return must give."""
    return MappingProxyType(
        {
            row["question_id"]: QuestionTarget(int(row["n_relevant"]), int(row["n_sufficient"]))
            for row in read_csv(HAMPSHIRE_TARGETS_FILE)
        }
    )


ContextRow = tuple[str, str, str, str, str]


@lru_cache(maxsize=None)
def hampshire_context() -> tuple[ContextRow, ...]:
    """Appendix 1 of the Hampshire report as rows of context.csv: geography, measure, value,
    period, source."""
    return tuple(
        (row["geography"], row["measure"], row["value"], row["period"], row["source"])
        for row in read_csv(HAMPSHIRE_CONTEXT_FILE)
    )


@lru_cache(maxsize=None)
def hampshire_victim_responses() -> tuple[Mapping[str, str], ...]:
    """Hampshire's victim questionnaire, from its report: question_id -> answer, and comment."""
    return tuple(MappingProxyType(row) for row in read_csv(HAMPSHIRE_VICTIM_RESPONSES_FILE))


# ---------------------------------------------------------------- victim questionnaire


@dataclass(frozen=True)
class VictimAnswers:
    """How the other areas' synthetic victims answer (data/victim_questionnaire_answers.yaml)."""

    answer_weights: Mapping[str, Mapping[str, float]]
    # follow-up question_id -> (lead question_id, the lead's answer that makes it applicable)
    follow_ups: Mapping[str, tuple[str, str]]
    comments: tuple[str, ...]


@lru_cache(maxsize=None)
def victim_answers() -> VictimAnswers:
    document = _frozen(read_yaml(VICTIM_ANSWERS_FILE))
    return VictimAnswers(
        answer_weights=document["answer_weights"],
        follow_ups=MappingProxyType(
            {question_id: (rule["lead"], rule["answer"]) for question_id, rule in document["follow_ups"].items()}
        ),
        comments=document["comments"],
    )


# ---------------------------------------------------------------- offender survey


@dataclass(frozen=True)
class DemoSurvey:
    """One delivery of the national annual NOMS Offender Survey."""

    survey_id: str
    survey_year: int
    # (fewest, most) responses of an area not listed in responses_per_area.
    usual_responses: tuple[int, int]
    responses_per_area: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    # Areas whose answers keep the weights as given, unvaried (the report's year).
    weights_as_reported: frozenset[str] = frozenset()

    def responses_range(self, area: str) -> tuple[int, int]:
        return self.responses_per_area.get(area, self.usual_responses)


@lru_cache(maxsize=None)
def _offender_surveys_document() -> Any:
    return _frozen(read_yaml(OFFENDER_SURVEYS_FILE))


@lru_cache(maxsize=None)
def demo_surveys() -> tuple[DemoSurvey, ...]:
    """The survey deliveries (data/offender_surveys.yaml), in the order they are written."""
    document = _offender_surveys_document()
    return tuple(
        DemoSurvey(
            survey_id=survey_id,
            survey_year=survey["survey_year"],
            usual_responses=_pair(document["responses_per_area"]),
            responses_per_area=MappingProxyType(
                {area: _pair(counts) for area, counts in survey["responses_per_area"].items()}
            ),
            weights_as_reported=frozenset(survey["weights_as_reported"]),
        )
        for survey_id, survey in document["surveys"].items()
    )


@lru_cache(maxsize=None)
def uninspected_survey_areas() -> tuple[str, ...]:
    """Real trusts the demo does not inspect that answer the survey."""
    return tuple(_offender_surveys_document()["uninspected_areas"])


@dataclass(frozen=True)
class SurveyAnswerWeights:
    """data/offender_survey_answer_weights.yaml: question_id -> option -> weight."""

    national: Mapping[str, Mapping[str, float]]
    # area -> the questions whose weights replace the national ones there
    by_area: Mapping[str, Mapping[str, Mapping[str, float]]]


@lru_cache(maxsize=None)
def survey_answer_weights() -> SurveyAnswerWeights:
    document = _frozen(read_yaml(SURVEY_ANSWER_WEIGHTS_FILE))
    return SurveyAnswerWeights(national=document["national"], by_area=document["areas"])


# ---------------------------------------------------------------- the old constants, by name

_LOADED_BY_NAME = {"DEMO_INSPECTIONS": demo_inspections, "DEMO_SURVEYS": demo_surveys}


def __getattr__(name: str) -> Any:
    if name in _LOADED_BY_NAME:
        return _LOADED_BY_NAME[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
