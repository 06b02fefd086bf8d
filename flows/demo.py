"""The demo programme: eleven SYNTHETIC inspection returns in the form of landing contract v1, and
two offender survey deliveries.

Every case, answer and questionnaire or survey response written here is invented; case references
(`SYN-...`) and `synthetic: true` in inspection.yaml say so. The returns give the platform a
realistic programme to run end to end: two thematic groups (violent offending, 2013; protecting
children and young people, 2014), areas of different quality, sample sizes of 50-90 cases.

Hampshire is the exception that makes the demo a back-test: its return is built so that the
platform's scoring rule gives back the published report (October 2013): outcome scores
79/82/75/76/77 and, for every catalogue question the report gives a fraction for, exactly that
fraction (targets in `demo_data/hampshire_2013_question_targets.csv`; questions the report does
not quantify carry calibrated values, marked as such). Its case mix, victim questionnaire and
Appendix 1 context tables follow the report too. Other areas' question rates start from
Hampshire's and shift by the area's quality level, with a few set from their press releases.
Placeholder areas stand for inspections whose areas the sources do not name. Every return has a
victim questionnaire and context (the other areas' context values are invented and say so, next
to the national comparators Hampshire's report prints).

Two SYNTHETIC deliveries of the national NOMS Offender Survey (2012, read by the 2013
inspections; 2013, read by the 2014 ones) are written under landing/surveys/: responses from
every demo area and three trusts not inspected, Hampshire's 565 of 2012 following the report.

Output is byte-for-byte deterministic: every random draw comes from a generator seeded with the
inspection (or survey and area) id, and nothing reads the clock.
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from flows.contract import READY_MARKER
from flows.survey_delivery import MULTI_SEPARATOR, RESPONSES_FILE, SURVEY_FILE, SURVEYS_FOLDER

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SEEDS_DIR = REPO_ROOT / "dbt" / "seeds"
DEMO_DATA_DIR = Path(__file__).parent / "demo_data"
HAMPSHIRE_TARGETS_FILE = DEMO_DATA_DIR / "hampshire_2013_question_targets.csv"

METHODOLOGY_ID = "iaow-2013"
HAMPSHIRE_ID = "hampshire-2013"


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
    methodology: str = "iaow-2013"


VIOLENT_OFFENDING = ("iaow-2013-violent-offending", "Violent offending")
PROTECTING_CHILDREN = ("iaow-2014-protecting-children", "Protecting children and young people")
# A later group under the banded methodology (to be confirmed), so that the programme view shows
# a methodology break.
CASE_SUPERVISION = ("hmip-2018-case-supervision", "Case supervision")
BANDED_METHODOLOGY_ID = "hmip-four-point-bands"

# Fieldwork order. Reports were published about 9-10 weeks after the first fieldwork week
# (Devon and Cornwall 17 Sep 2013, Hampshire October 2013, London 30 May 2014).
DEMO_INSPECTIONS: tuple[DemoInspection, ...] = (
    DemoInspection("placeholder-area-a-2013", "Placeholder Area A", *VIOLENT_OFFENDING, 1, date(2013, 4, 15), 68),
    DemoInspection("placeholder-area-b-2013", "Placeholder Area B", *VIOLENT_OFFENDING, 2, date(2013, 5, 20), 60),
    DemoInspection("devon-and-cornwall-2013", "Devon and Cornwall", *VIOLENT_OFFENDING, 3, date(2013, 7, 8), 82),
    DemoInspection(HAMPSHIRE_ID, "Hampshire", *VIOLENT_OFFENDING, 4, date(2013, 8, 5), 85),
    DemoInspection("northumbria-2013", "Northumbria", *VIOLENT_OFFENDING, 5, date(2013, 9, 2), 84),
    DemoInspection("northamptonshire-2013", "Northamptonshire", *VIOLENT_OFFENDING, 6, date(2013, 9, 23), 56),
    DemoInspection("placeholder-area-c-2014", "Placeholder Area C", *PROTECTING_CHILDREN, 1, date(2014, 1, 13), 64),
    DemoInspection("placeholder-area-d-2014", "Placeholder Area D", *PROTECTING_CHILDREN, 2, date(2014, 2, 3), 72),
    DemoInspection("placeholder-area-e-2014", "Placeholder Area E", *PROTECTING_CHILDREN, 3, date(2014, 2, 24), 58),
    DemoInspection("london-2014", "London", *PROTECTING_CHILDREN, 4, date(2014, 3, 17), 90),
    DemoInspection(
        "placeholder-area-f-2018", "Placeholder Area F", *CASE_SUPERVISION, 1, date(2018, 6, 4), 60, BANDED_METHODOLOGY_ID
    ),
)


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


@dataclass
class SyntheticCase:
    case_ref: str
    case_type: str = ""
    gender: str = ""
    ethnicity: str = ""
    rosh: str = ""
    principal_offence: str = ""
    # How well the case was managed overall; shared by all its answers so that they correlate
    # within a case, as real case assessments do.
    quality: float = 0.0
    flags: set[str] = field(default_factory=set)


HIGH_ROSH = frozenset({"high", "very_high"})
MEDIUM_OR_HIGHER_ROSH = frozenset({"medium", "high", "very_high"})
# Offences that only a custodial sentence (hence a licence) follows.
CUSTODY_ONLY_OFFENCES = frozenset({"murder_manslaughter", "wounding_with_intent"})


def _has(flag: str) -> Callable[[SyntheticCase], bool]:
    return lambda case: flag in case.flags


def _is_licence(case: SyntheticCase) -> bool:
    return case.case_type == "licence"


def _high_rosh(case: SyntheticCase) -> bool:
    return case.rosh in HIGH_ROSH


@dataclass(frozen=True)
class FlagRule:
    """Give `flag` to some of the cases in `pool`; `key` names the amount in a CaseMix."""

    key: str
    flag: str
    pool: Callable[[SyntheticCase], bool]


def _rule(flag: str, pool: Callable[[SyntheticCase], bool]) -> FlagRule:
    return FlagRule(flag, flag, pool)


def _everyone(case: SyntheticCase) -> bool:
    return True


# Applied in this order: a rule's pool may depend on flags given by earlier rules.
FLAG_RULES: tuple[FlagRule, ...] = (
    _rule("psr", lambda c: not _is_licence(c)),
    _rule("psr_oral", _has("psr")),
    _rule("alcohol_factor", _everyone),
    _rule("alcohol_in_plan_needed", _has("alcohol_factor")),
    _rule("non_compliance", _everyone),
    _rule("compliance_enforcement_needed", _has("non_compliance")),
    _rule("review_due", _everyone),
    _rule("significant_change", _has("review_due")),
    _rule("transferred_in", _everyone),
    _rule("lor_assessment_required", _everyone),
    _rule("lor_assessment_completed", _has("lor_assessment_required")),
    _rule("accredited_programme", _everyone),
    _rule("approved_premises", _is_licence),
    _rule("restrictive_requirements", _everyone),
    _rule("mappa_eligible", lambda c: _is_licence(c) or _high_rosh(c)),
    _rule("mappa_higher_level", _has("mappa_eligible")),
    _rule("post_mappa_planning_relevant", _has("mappa_higher_level")),
    _rule("roh_enforcement_needed", _everyone),
    _rule("children_contact", _everyone),
    # Two rules so that an exact mix can fix how many child protection cases are also high
    # RoSH: both kinds need management oversight, and the report counts their union (41).
    FlagRule("cp_concern_high_rosh", "cp_concern", lambda c: "children_contact" in c.flags and _high_rosh(c)),
    FlagRule("cp_concern_other", "cp_concern", lambda c: "children_contact" in c.flags and not _high_rosh(c)),
    _rule("cp_procedures", _has("cp_concern")),
    _rule("agency_information_action", _has("children_contact")),
    _rule("statutory_victim", _is_licence),
    _rule("victim_contact_taken", _has("statutory_victim")),
    # A statutory victim is always an identifiable victim.
    FlagRule("identifiable_victim_statutory", "identifiable_victim", _has("statutory_victim")),
    FlagRule("identifiable_victim_other", "identifiable_victim", lambda c: "statutory_victim" not in c.flags),
)

# Which cases each question applies to, by the `applies_to` text of questions.csv.
APPLICABILITY: dict[str, Callable[[SyntheticCase], bool]] = {
    "all cases": _everyone,
    "cases with a pre-sentence report": _has("psr"),
    "cases with an oral pre-sentence report": _has("psr_oral"),
    "cases with a typed pre-sentence report": lambda c: "psr" in c.flags and "psr_oral" not in c.flags,
    "cases where alcohol needed addressing in the sentence plan": _has("alcohol_in_plan_needed"),
    "cases where alcohol is an offending-related factor": _has("alcohol_factor"),
    "cases where the individual missed appointments or did not comply": _has("non_compliance"),
    "cases where enforcement or recall was required for non-compliance": _has("compliance_enforcement_needed"),
    "cases where a review was due": _has("review_due"),
    "cases with a significant change in circumstances or risk of harm": _has("significant_change"),
    "cases transferred in from another area": _has("transferred_in"),
    "cases requiring an initial likelihood of reoffending assessment": _has("lor_assessment_required"),
    "cases with a completed initial likelihood of reoffending assessment": _has("lor_assessment_completed"),
    "cases with a planned accredited programme": _has("accredited_programme"),
    "cases resident in approved premises for at least six weeks": _has("approved_premises"),
    "cases with a recorded RoSH classification": lambda c: c.rosh != "not_recorded",
    "cases with a RoSH classification of medium or higher": lambda c: c.rosh in MEDIUM_OR_HIGHER_ROSH,
    "cases with restrictive requirements or licence conditions": _has("restrictive_requirements"),
    "cases meeting the criteria for MAPPA": _has("mappa_eligible"),
    "cases needing management at MAPPA level 2 or 3": _has("mappa_higher_level"),
    "cases where planning beyond MAPPA level 2 or 3 management was relevant": _has("post_mappa_planning_relevant"),
    "cases with a high or very high RoSH or a child protection concern": lambda c: _high_rosh(c)
    or "cp_concern" in c.flags,
    "cases where enforcement or recall was needed because the risk of harm increased": _has("roh_enforcement_needed"),
    "cases with a child protection concern": _has("cp_concern"),
    "cases subject to multi-agency child protection procedures": _has("cp_procedures"),
    "cases where the individual has contact with children": _has("children_contact"),
    "cases where information from Children's Services or the police required action": _has(
        "agency_information_action"
    ),
    "cases with an identifiable actual or potential victim": _has("identifiable_victim"),
    "licence cases with a statutory victim": _has("statutory_victim"),
    "statutory victim cases where the victim took up contact": _has("victim_contact_taken"),
}

# A question can only be answered "yes" for cases with this flag: an assessment that was never
# completed cannot have been sufficient.
YES_ONLY_WHEN: dict[str, str] = {"q3.1.1": "lor_assessment_completed"}

# Hampshire, from the report: 85 cases, 10 female, no RoSH recorded in 4, 51 pre-sentence reports
# (13 oral), weapon possession the principal offence in 4, alcohol a factor in 63, 19 licence
# cases with statutory victim contact (7 taken up). Counts the report does not give are plausible.
HAMPSHIRE_CASE_MIX = CaseMix(
    exact=True,
    case_type={"community_order": 37, "suspended_sentence_order": 18, "licence": 30},
    gender={"male": 75, "female": 10},
    ethnicity={"white": 74, "mixed": 2, "asian": 2, "black": 3, "other": 1, "not_recorded": 3},
    rosh={"low": 8, "medium": 51, "high": 21, "very_high": 1, "not_recorded": 4},
    principal_offence={
        "abh": 24,
        "common_assault": 14,
        "gbh_wounding": 12,
        "wounding_with_intent": 5,
        "robbery": 9,
        "affray": 4,
        "violent_disorder": 2,
        "possession_offensive_weapon": 2,
        "possession_bladed_article": 2,
        "threats_to_kill": 3,
        "harassment_stalking": 4,
        "assault_police_constable": 2,
        "racially_aggravated_assault": 1,
        "murder_manslaughter": 1,
    },
    flags={
        "psr": 51,
        "psr_oral": 13,
        "alcohol_factor": 63,
        "alcohol_in_plan_needed": 50,
        "non_compliance": 45,  # "just under half ... complied ... without the need for additional action"
        "compliance_enforcement_needed": 22,
        "review_due": 71,
        "significant_change": 46,
        "transferred_in": 3,
        "lor_assessment_required": 71,
        "lor_assessment_completed": 66,
        "accredited_programme": 27,  # "almost one-third"
        "approved_premises": 11,
        "restrictive_requirements": 42,
        "mappa_eligible": 28,
        "mappa_higher_level": 17,
        "post_mappa_planning_relevant": 11,
        "roh_enforcement_needed": 19,
        "children_contact": 45,
        "cp_concern_high_rosh": 6,  # with 22 high/very high RoSH: 41 cases needing oversight
        "cp_concern_other": 19,
        "cp_procedures": 16,
        "agency_information_action": 17,
        "statutory_victim": 19,
        "victim_contact_taken": 7,
        "identifiable_victim_statutory": 19,
        "identifiable_victim_other": 51,
    },
)

GENDER_WEIGHTS = {"male": 0.88, "female": 0.115, "not_recorded": 0.005}

VIOLENT_OFFENCE_WEIGHTS = {
    "abh": 28,
    "common_assault": 16,
    "gbh_wounding": 13,
    "wounding_with_intent": 6,
    "robbery": 10,
    "affray": 5,
    "violent_disorder": 2,
    "possession_offensive_weapon": 3,
    "possession_bladed_article": 3,
    "threats_to_kill": 3,
    "harassment_stalking": 5,
    "assault_police_constable": 3,
    "racially_aggravated_assault": 2,
    "murder_manslaughter": 1,
}
# The 2014 group sampled by child protection concern, not offence, so any offence can appear.
CHILD_PROTECTION_OFFENCE_WEIGHTS = {
    "abh": 16,
    "common_assault": 14,
    "gbh_wounding": 6,
    "wounding_with_intent": 3,
    "robbery": 5,
    "harassment_stalking": 6,
    "threats_to_kill": 2,
    "child_cruelty_neglect": 5,
    "breach_of_court_order": 8,
    "affray": 3,
    "possession_bladed_article": 2,
    "theft": 7,
    "burglary": 6,
    "fraud": 3,
    "drug_supply": 6,
    "drug_possession": 3,
    "drink_driving": 3,
    "dangerous_driving": 2,
    "criminal_damage": 4,
}

VIOLENT_OFFENDING_FLAG_SHARES = {
    "psr": 0.88,
    "psr_oral": 0.25,
    "alcohol_factor": 0.7,
    "alcohol_in_plan_needed": 0.8,
    "non_compliance": 0.5,
    "compliance_enforcement_needed": 0.5,
    "review_due": 0.85,
    "significant_change": 0.62,
    "transferred_in": 0.04,
    "lor_assessment_required": 0.85,
    "lor_assessment_completed": 0.93,
    "accredited_programme": 0.3,
    "approved_premises": 0.35,
    "restrictive_requirements": 0.5,
    "mappa_eligible": 0.55,
    "mappa_higher_level": 0.5,
    "post_mappa_planning_relevant": 0.6,
    "roh_enforcement_needed": 0.22,
    "children_contact": 0.52,
    "cp_concern_high_rosh": 0.35,
    "cp_concern_other": 0.3,
    "cp_procedures": 0.6,
    "agency_information_action": 0.4,
    "statutory_victim": 0.6,
    "victim_contact_taken": 0.4,
    "identifiable_victim_statutory": 1.0,
    "identifiable_victim_other": 0.78,
}
# Every case of the 2014 group had a child protection concern: that was how it was sampled.
PROTECTING_CHILDREN_FLAG_SHARES = {
    **VIOLENT_OFFENDING_FLAG_SHARES,
    "alcohol_factor": 0.55,
    "restrictive_requirements": 0.45,
    "mappa_eligible": 0.45,
    "children_contact": 1.0,
    "cp_concern_high_rosh": 1.0,
    "cp_concern_other": 1.0,
    "cp_procedures": 0.45,
    "agency_information_action": 0.5,
}



@dataclass(frozen=True)
class GroupMix:
    """What the cases of a thematic group look like, whatever the area (weights and shares)."""

    case_type: Mapping[str, float]
    rosh: Mapping[str, float]
    principal_offence: Mapping[str, float]
    flags: Mapping[str, float]


GROUP_MIXES: dict[str, GroupMix] = {
    VIOLENT_OFFENDING[0]: GroupMix(
        case_type={"community_order": 0.45, "suspended_sentence_order": 0.2, "licence": 0.35},
        rosh={"low": 0.1, "medium": 0.6, "high": 0.25, "very_high": 0.02, "not_recorded": 0.03},
        principal_offence=VIOLENT_OFFENCE_WEIGHTS,
        flags=VIOLENT_OFFENDING_FLAG_SHARES,
    ),
    PROTECTING_CHILDREN[0]: GroupMix(
        case_type={"community_order": 0.47, "suspended_sentence_order": 0.2, "licence": 0.33},
        rosh={"low": 0.08, "medium": 0.6, "high": 0.28, "very_high": 0.02, "not_recorded": 0.02},
        principal_offence=CHILD_PROTECTION_OFFENCE_WEIGHTS,
        flags=PROTECTING_CHILDREN_FLAG_SHARES,
    ),
    # A general case-supervision sample: the violent offending mix is the nearest we have.
    CASE_SUPERVISION[0]: GroupMix(
        case_type={"community_order": 0.5, "suspended_sentence_order": 0.2, "licence": 0.3},
        rosh={"low": 0.2, "medium": 0.55, "high": 0.2, "very_high": 0.02, "not_recorded": 0.03},
        principal_offence=VIOLENT_OFFENCE_WEIGHTS,
        flags=VIOLENT_OFFENDING_FLAG_SHARES,
    ),
}


# ---------------------------------------------------------------- area profiles


# Case references look like a provider's but say they are synthetic: SYN-HAM-04817.
CASE_REF_PREFIXES = {
    "placeholder-area-a-2013": "PLA",
    "placeholder-area-b-2013": "PLB",
    "devon-and-cornwall-2013": "DAC",
    HAMPSHIRE_ID: "HAM",
    "northumbria-2013": "NUM",
    "northamptonshire-2013": "NTH",
    "placeholder-area-c-2014": "PLC",
    "placeholder-area-d-2014": "PLD",
    "placeholder-area-e-2014": "PLE",
    "london-2014": "LDN",
    "placeholder-area-f-2018": "PLF",
}


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

    # The outcome scores (1-5) the area's work is pitched at.
    outcome_levels: tuple[float, float, float, float, float]
    ethnicity: Mapping[str, float]
    # At least one, so that every return carries a victim questionnaire.
    victim_respondents: int
    population: int
    population_source: str
    context: AreaContext
    # Rates of particular questions, set from what the area's press release reports.
    question_rates: Mapping[str, float] = field(default_factory=dict)


# The reference the other areas' question rates are shifted from.
HAMPSHIRE_PUBLISHED_LEVELS = (0.79, 0.82, 0.75, 0.76, 0.77)
INVENTED_SOURCE = "Synthetic demo context: invented value"
APPROXIMATED_SOURCE = "Synthetic demo context: rounded approximation of the 2011 Census population"
ENGLAND_AND_WALES_POPULATION = 56075900
CENSUS_2011 = "Office for National Statistics 2011 Census"


def _ethnicity(
    white: float, mixed: float, asian: float, black: float, other: float, not_recorded: float
) -> dict[str, float]:
    return {
        "white": white,
        "mixed": mixed,
        "asian": asian,
        "black": black,
        "other": other,
        "not_recorded": not_recorded,
    }


AREA_PROFILES: dict[str, AreaProfile] = {
    "placeholder-area-a-2013": AreaProfile(
        outcome_levels=(0.82, 0.80, 0.74, 0.72, 0.78),
        ethnicity=_ethnicity(0.9, 0.02, 0.03, 0.02, 0.01, 0.02),
        victim_respondents=3,
        population=1050000,
        population_source=INVENTED_SOURCE,
        context=AreaContext(
            unemployment_rate_pct=6.8,
            bme_population_pct=6.2,
            caseload_total=3600,
            caseload_white_pct=89.4,
            caseload_minority_ethnic_pct=8.1,
            caseload_male_pct=89.2,
        ),
    ),
    "placeholder-area-b-2013": AreaProfile(
        outcome_levels=(0.76, 0.78, 0.70, 0.68, 0.74),
        ethnicity=_ethnicity(0.82, 0.03, 0.07, 0.04, 0.01, 0.03),
        victim_respondents=2,
        population=780000,
        population_source=INVENTED_SOURCE,
        context=AreaContext(
            unemployment_rate_pct=8.9,
            bme_population_pct=12.8,
            caseload_total=3100,
            caseload_white_pct=81.0,
            caseload_minority_ethnic_pct=15.6,
            caseload_male_pct=90.3,
        ),
    ),
    # Press: sentence plans not always sufficient; alcohol interventions in too few cases; RoSH
    # screening missing or weak in a number of cases; too many risk management plans poor.
    "devon-and-cornwall-2013": AreaProfile(
        outcome_levels=(0.86, 0.80, 0.72, 0.68, 0.80),
        ethnicity=_ethnicity(0.95, 0.01, 0.01, 0.01, 0.005, 0.015),
        victim_respondents=5,
        population=1668200,
        population_source=APPROXIMATED_SOURCE,
        context=AreaContext(
            unemployment_rate_pct=6.1,
            bme_population_pct=2.4,
            caseload_total=4900,
            caseload_white_pct=94.3,
            caseload_minority_ethnic_pct=3.2,
            caseload_male_pct=89.0,
        ),
        question_rates={"q2.1.3": 0.70, "q3.2.4": 0.40, "q4.1.1": 0.78, "q4.1.6": 0.55},
    ),
    "northumbria-2013": AreaProfile(
        outcome_levels=(0.83, 0.84, 0.81, 0.77, 0.79),
        ethnicity=_ethnicity(0.94, 0.01, 0.02, 0.01, 0.01, 0.01),
        victim_respondents=6,
        population=1420900,
        population_source=APPROXIMATED_SOURCE,
        context=AreaContext(
            unemployment_rate_pct=10.4,
            bme_population_pct=4.6,
            caseload_total=6800,
            caseload_white_pct=93.1,
            caseload_minority_ethnic_pct=4.4,
            caseload_male_pct=88.1,
        ),
    ),
    # Press: child safeguarding insufficient in a quarter of cases; victim safety not prioritised
    # in a third; assessments not always reviewed promptly after a change.
    "northamptonshire-2013": AreaProfile(
        outcome_levels=(0.81, 0.76, 0.73, 0.65, 0.66),
        ethnicity=_ethnicity(0.85, 0.03, 0.03, 0.05, 0.01, 0.03),
        victim_respondents=2,
        population=692000,
        population_source=APPROXIMATED_SOURCE,
        context=AreaContext(
            unemployment_rate_pct=7.6,
            bme_population_pct=8.5,
            caseload_total=2700,
            caseload_white_pct=84.2,
            caseload_minority_ethnic_pct=12.9,
            caseload_male_pct=89.6,
        ),
        question_rates={"q4.1.4": 0.75, "q5.2.1": 0.67, "q4.2.6": 0.45, "q4.1.1": 0.80},
    ),
    "placeholder-area-c-2014": AreaProfile(
        outcome_levels=(0.78, 0.79, 0.71, 0.70, 0.73),
        ethnicity=_ethnicity(0.80, 0.04, 0.07, 0.05, 0.02, 0.02),
        victim_respondents=3,
        population=1230000,
        population_source=INVENTED_SOURCE,
        context=AreaContext(
            unemployment_rate_pct=8.3,
            bme_population_pct=15.9,
            caseload_total=4300,
            caseload_white_pct=79.5,
            caseload_minority_ethnic_pct=17.8,
            caseload_male_pct=88.7,
        ),
    ),
    "placeholder-area-d-2014": AreaProfile(
        outcome_levels=(0.74, 0.75, 0.68, 0.66, 0.70),
        ethnicity=_ethnicity(0.75, 0.04, 0.10, 0.07, 0.02, 0.02),
        victim_respondents=4,
        population=960000,
        population_source=INVENTED_SOURCE,
        context=AreaContext(
            unemployment_rate_pct=9.6,
            bme_population_pct=21.4,
            caseload_total=3900,
            caseload_white_pct=74.6,
            caseload_minority_ethnic_pct=22.3,
            caseload_male_pct=90.8,
        ),
    ),
    "placeholder-area-f-2018": AreaProfile(
        outcome_levels=(0.78, 0.70, 0.66, 0.64, 0.68),
        ethnicity=_ethnicity(0.85, 0.03, 0.05, 0.04, 0.01, 0.02),
        victim_respondents=3,
        population=720000,
        population_source=INVENTED_SOURCE,
        context=AreaContext(
            unemployment_rate_pct=7.1,
            bme_population_pct=10.5,
            caseload_total=2600,
            caseload_white_pct=84.8,
            caseload_minority_ethnic_pct=12.6,
            caseload_male_pct=88.8,
        ),
    ),
    "placeholder-area-e-2014": AreaProfile(
        outcome_levels=(0.80, 0.81, 0.74, 0.73, 0.76),
        ethnicity=_ethnicity(0.88, 0.02, 0.04, 0.03, 0.01, 0.02),
        victim_respondents=1,
        population=640000,
        population_source=INVENTED_SOURCE,
        context=AreaContext(
            unemployment_rate_pct=6.4,
            bme_population_pct=7.3,
            caseload_total=2200,
            caseload_white_pct=87.6,
            caseload_minority_ethnic_pct=9.8,
            caseload_male_pct=88.4,
        ),
    ),
    # Press: RoH screening accurate in just under three-quarters of cases; victims' concerns taken
    # into account in fewer than half; effective oversight not evident in most; too few checks
    # with Children's Services; home visits not always done; many LoR assessments insufficient;
    # individuals not involved enough in setting sentence plan objectives.
    "london-2014": AreaProfile(
        outcome_levels=(0.74, 0.72, 0.60, 0.61, 0.62),
        ethnicity=_ethnicity(0.48, 0.07, 0.12, 0.25, 0.04, 0.04),
        # The one area at or above the disclosure threshold (10): published at area level.
        victim_respondents=12,
        population=8173900,
        population_source=APPROXIMATED_SOURCE,
        context=AreaContext(
            unemployment_rate_pct=9.9,
            bme_population_pct=40.2,
            caseload_total=31500,
            caseload_white_pct=50.6,
            caseload_minority_ethnic_pct=45.1,
            caseload_male_pct=90.6,
        ),
        question_rates={
            "q4.1.1": 0.72,
            "q5.2.2": 0.44,
            "q4.2.7": 0.38,
            "q4.3.2": 0.62,
            "q4.2.2": 0.45,
            "q3.1.1": 0.55,
            "q2.1.4": 0.55,
        },
    ),
}


def _case_mix(inspection: DemoInspection) -> CaseMix:
    if inspection.inspection_id == HAMPSHIRE_ID:
        return HAMPSHIRE_CASE_MIX
    group = GROUP_MIXES[inspection.group_id]
    return CaseMix(
        exact=False,
        case_type=group.case_type,
        gender=GENDER_WEIGHTS,
        ethnicity=AREA_PROFILES[inspection.inspection_id].ethnicity,
        rosh=group.rosh,
        principal_offence=group.principal_offence,
        flags=group.flags,
    )


# ---------------------------------------------------------------- the catalogue


@dataclass(frozen=True)
class Question:
    question_id: str
    outcome_code: int  # the outcome of the question's criterion
    applies_to: Callable[[SyntheticCase], bool]


@dataclass(frozen=True)
class QuestionTarget:
    n_relevant: int
    n_sufficient: int


@dataclass(frozen=True)
class DemoCatalogue:
    questions: tuple[Question, ...]
    victim_question_ids: tuple[str, ...]
    hampshire_targets: dict[str, QuestionTarget]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_demo_catalogue(seeds_dir: Path | None = None) -> DemoCatalogue:
    """The scoring questions and victim questions from the seeds, with Hampshire's targets."""
    seeds = seeds_dir or DEFAULT_SEEDS_DIR
    criterion_outcome = {
        row["criterion_code"]: int(row["outcome_code"]) for row in _read_csv(seeds / "methodology" / "criteria.csv")
    }
    questions = []
    for row in _read_csv(seeds / "methodology" / "questions.csv"):
        if row["methodology_id"] != METHODOLOGY_ID:
            continue
        if row["applies_to"] not in APPLICABILITY:
            raise ValueError(
                f"question {row['question_id']}: the demo generator does not know which cases "
                f"'{row['applies_to']}' covers; add it to APPLICABILITY in {Path(__file__).name}"
            )
        questions.append(
            Question(row["question_id"], criterion_outcome[row["criterion_code"]], APPLICABILITY[row["applies_to"]])
        )
    targets = {
        row["question_id"]: QuestionTarget(int(row["n_relevant"]), int(row["n_sufficient"]))
        for row in _read_csv(HAMPSHIRE_TARGETS_FILE)
    }
    untargeted = [q.question_id for q in questions if q.question_id not in targets]
    if untargeted:
        raise ValueError(f"{HAMPSHIRE_TARGETS_FILE.name} has no Hampshire target for {', '.join(untargeted)}")
    victim_question_ids = tuple(row["question_id"] for row in _read_csv(seeds / "code_lists" / "victim_questions.csv"))
    unknown = [qid for qid in victim_question_ids if qid not in VICTIM_ANSWER_WEIGHTS]
    if unknown:
        raise ValueError(f"the demo generator has no answer weights for victim questions {', '.join(unknown)}")
    return DemoCatalogue(tuple(questions), victim_question_ids, targets)


# ---------------------------------------------------------------- cases


def _draw_categories(rng: random.Random, n: int, amounts: Mapping[str, float], exact: bool) -> list[str]:
    if exact:
        values = [value for value, count in amounts.items() for _ in range(int(count))]
        if len(values) != n:
            raise ValueError(f"exact counts add up to {len(values)}, not the sample size {n}")
        rng.shuffle(values)
        return values
    return rng.choices(list(amounts), weights=list(amounts.values()), k=n)


def _make_serious_offences_plausible(cases: list[SyntheticCase]) -> None:
    """Attributes are drawn independently; swap values between cases (so counts are kept) until
    every custody-only offence is on licence with a RoSH of medium or higher."""
    serious = [c for c in cases if c.principal_offence in CUSTODY_ONLY_OFFENCES]
    licence_partners = [c for c in cases if _is_licence(c) and c not in serious]
    for case in serious:
        if not _is_licence(case):
            partner = licence_partners.pop()
            case.principal_offence, partner.principal_offence = partner.principal_offence, case.principal_offence
    serious = [c for c in cases if c.principal_offence in CUSTODY_ONLY_OFFENCES]
    rosh_partners = [c for c in cases if c.rosh in MEDIUM_OR_HIGHER_ROSH and c not in serious]
    for case in serious:
        if case.rosh not in MEDIUM_OR_HIGHER_ROSH:
            partner = rosh_partners.pop()
            case.rosh, partner.rosh = partner.rosh, case.rosh


def _assign_flags(cases: list[SyntheticCase], mix: CaseMix, rng: random.Random) -> None:
    for rule in FLAG_RULES:
        pool = [case for case in cases if rule.pool(case)]
        amount = mix.flags[rule.key]
        count = int(amount) if mix.exact else sum(rng.random() < amount for _ in pool)
        if count > len(pool):
            raise ValueError(f"{rule.key}: {count} cases wanted but only {len(pool)} qualify")
        for case in rng.sample(pool, count):
            case.flags.add(rule.flag)


def build_cases(inspection: DemoInspection) -> list[SyntheticCase]:
    """The sampled cases with their attributes and the facts that decide which questions apply."""
    rng = random.Random(f"iaow-demo:{inspection.inspection_id}:cases")
    mix = _case_mix(inspection)
    n = inspection.n_cases
    prefix = CASE_REF_PREFIXES[inspection.inspection_id]
    cases = [SyntheticCase(f"SYN-{prefix}-{number:05d}") for number in sorted(rng.sample(range(1, 100000), n))]
    for attribute in ("case_type", "gender", "ethnicity", "rosh", "principal_offence"):
        for case, value in zip(cases, _draw_categories(rng, n, getattr(mix, attribute), mix.exact), strict=False):
            setattr(case, attribute, value)
    _make_serious_offences_plausible(cases)
    for case in cases:
        case.quality = rng.gauss(0.0, 0.5)
    _assign_flags(cases, mix, rng)
    return cases


# ---------------------------------------------------------------- answers


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _question_rate(question: Question, profile: AreaProfile, catalogue: DemoCatalogue) -> float:
    """How often the area's work on this question is sufficient: Hampshire's rate, shifted by
    the gap between the area's level and Hampshire's on the question's outcome."""
    if question.question_id in profile.question_rates:
        return profile.question_rates[question.question_id]
    target = catalogue.hampshire_targets[question.question_id]
    index = question.outcome_code - 1
    shift = profile.outcome_levels[index] - HAMPSHIRE_PUBLISHED_LEVELS[index]
    return min(0.98, max(0.05, target.n_sufficient / target.n_relevant + shift))


def build_answers(
    inspection: DemoInspection, cases: list[SyntheticCase], catalogue: DemoCatalogue
) -> dict[tuple[str, str], str]:
    """(case_ref, question_id) -> yes / no / n/a, for every case and question."""
    rng = random.Random(f"iaow-demo:{inspection.inspection_id}:answers")
    answers = {}
    for question in catalogue.questions:
        relevant = [case for case in cases if question.applies_to(case)]
        required_flag = YES_ONLY_WHEN.get(question.question_id)
        can_be_sufficient = [case for case in relevant if required_flag is None or required_flag in case.flags]
        if inspection.inspection_id == HAMPSHIRE_ID:
            sufficient = _hampshire_sufficient(question, relevant, can_be_sufficient, catalogue, rng)
        else:
            log_odds = _logit(_question_rate(question, AREA_PROFILES[inspection.inspection_id], catalogue))
            sufficient = {
                case.case_ref for case in can_be_sufficient if rng.random() < _sigmoid(log_odds + case.quality)
            }
        relevant_refs = {case.case_ref for case in relevant}
        for case in cases:
            answer = ("yes" if case.case_ref in sufficient else "no") if case.case_ref in relevant_refs else "n/a"
            answers[case.case_ref, question.question_id] = answer
    return answers


def _hampshire_sufficient(
    question: Question,
    relevant: list[SyntheticCase],
    can_be_sufficient: list[SyntheticCase],
    catalogue: DemoCatalogue,
    rng: random.Random,
) -> set[str]:
    """Exactly the target number of sufficient answers, given to the better-managed cases."""
    target = catalogue.hampshire_targets[question.question_id]
    if len(relevant) != target.n_relevant:
        raise ValueError(
            f"{question.question_id}: Hampshire's case mix makes {len(relevant)} cases relevant, "
            f"the target is {target.n_relevant}"
        )
    if target.n_sufficient > len(can_be_sufficient):
        raise ValueError(f"{question.question_id}: only {len(can_be_sufficient)} cases can be sufficient")
    ranked = sorted(can_be_sufficient, key=lambda case: case.quality + rng.gauss(0.0, 1.0), reverse=True)
    return {case.case_ref for case in ranked[: target.n_sufficient]}


# ---------------------------------------------------------------- victim questionnaire

TYPICAL_YES_NO = {"yes": 0.8, "no": 0.2}
VICTIM_ANSWER_WEIGHTS: dict[str, Mapping[str, float]] = {
    "vq_initial_letter_easy_to_understand": {"yes": 0.9, "no": 0.1},
    "vq_choice_about_involvement_clear": {"yes": 0.88, "no": 0.12},
    "vq_circumstances_and_needs_taken_into_account": TYPICAL_YES_NO,
    "vq_staff_understood_impact_of_offence": TYPICAL_YES_NO,
    "vq_kept_informed_of_key_points": {"yes": 0.75, "no": 0.25},
    # Not applicable when release was not being considered.
    "vq_chance_to_say_licence_conditions": {"yes": 0.6, "no": 0.15, "not_applicable": 0.25},
    "vq_extra_licence_conditions_added": {"yes": 0.6, "no": 0.4},
    "vq_reported_concerns_to_trust": {"yes": 0.5, "no": 0.5},
    "vq_satisfied_with_response_to_concerns": {"yes": 0.6, "no": 0.4},
    "vq_feel_safer": {"yes": 0.75, "no": 0.25},
    "vq_overall_satisfaction": {"completely": 0.5, "partly": 0.35, "not_at_all": 0.15},
}
# A follow-up question is not applicable unless its lead question was answered this way.
VICTIM_FOLLOW_UPS = {
    "vq_extra_licence_conditions_added": ("vq_chance_to_say_licence_conditions", "yes"),
    "vq_satisfied_with_response_to_concerns": ("vq_reported_concerns_to_trust", "yes"),
}
SKIPPED_QUESTION_SHARE = 0.03
COMMENT_SHARE = 0.3
SYNTHETIC_VICTIM_COMMENTS = (
    "Synthetic demo comment: the contact officer explained each stage clearly.",
    "Synthetic demo comment: I would have liked more regular updates.",
    "Synthetic demo comment: it took a long time to hear back after I called.",
    "Synthetic demo comment: knowing the licence conditions made me feel safer.",
)

# Hampshire, from the report: all four found the letter clear and the choice clear, felt their
# needs were considered and the impact understood; all but one were kept informed; those facing a
# release could say what conditions they wanted and extra conditions were added; three of four
# reported concerns, two of those three were satisfied with the response; all four felt safer;
# two were completely and two partly satisfied; one wrote a comment (invented here).
HAMPSHIRE_VICTIM_RESPONSES: tuple[dict[str, str], ...] = tuple(
    {
        "vq_initial_letter_easy_to_understand": "yes",
        "vq_choice_about_involvement_clear": "yes",
        "vq_circumstances_and_needs_taken_into_account": "yes",
        "vq_staff_understood_impact_of_offence": "yes",
        "vq_feel_safer": "yes",
        **answers,
    }
    for answers in (
        {
            "vq_kept_informed_of_key_points": "yes",
            "vq_chance_to_say_licence_conditions": "yes",
            "vq_extra_licence_conditions_added": "yes",
            "vq_reported_concerns_to_trust": "yes",
            "vq_satisfied_with_response_to_concerns": "yes",
            "vq_overall_satisfaction": "completely",
        },
        {
            "vq_kept_informed_of_key_points": "yes",
            "vq_chance_to_say_licence_conditions": "yes",
            "vq_extra_licence_conditions_added": "yes",
            "vq_reported_concerns_to_trust": "yes",
            "vq_satisfied_with_response_to_concerns": "yes",
            "vq_overall_satisfaction": "completely",
        },
        {
            "vq_kept_informed_of_key_points": "no",
            "vq_chance_to_say_licence_conditions": "yes",
            "vq_extra_licence_conditions_added": "yes",
            "vq_reported_concerns_to_trust": "yes",
            "vq_satisfied_with_response_to_concerns": "no",
            "vq_overall_satisfaction": "partly",
            "comment": "Synthetic demo comment: once I was in touch, the contact officer was helpful, "
            "but I heard nothing in between.",
        },
        {
            "vq_kept_informed_of_key_points": "yes",
            "vq_chance_to_say_licence_conditions": "not_applicable",
            "vq_extra_licence_conditions_added": "not_applicable",
            "vq_reported_concerns_to_trust": "no",
            "vq_satisfied_with_response_to_concerns": "not_applicable",
            "vq_overall_satisfaction": "partly",
        },
    )
)


def build_victim_responses(inspection: DemoInspection, catalogue: DemoCatalogue) -> list[dict[str, str]]:
    """One dict per respondent: question_id -> answer ('' = not answered), plus 'comment'."""
    if inspection.inspection_id == HAMPSHIRE_ID:
        return [dict(row) for row in HAMPSHIRE_VICTIM_RESPONSES]
    rng = random.Random(f"iaow-demo:{inspection.inspection_id}:victims")
    responses = []
    for _ in range(AREA_PROFILES[inspection.inspection_id].victim_respondents):
        response: dict[str, str] = {}
        for question_id in catalogue.victim_question_ids:
            lead = VICTIM_FOLLOW_UPS.get(question_id)
            weights = VICTIM_ANSWER_WEIGHTS[question_id]
            if lead is not None and response.get(lead[0]) != lead[1]:
                response[question_id] = "not_applicable"
            elif rng.random() < SKIPPED_QUESTION_SHARE:
                response[question_id] = ""
            else:
                response[question_id] = rng.choices(list(weights), weights=list(weights.values()))[0]
        if rng.random() < COMMENT_SHARE:
            response["comment"] = rng.choice(SYNTHETIC_VICTIM_COMMENTS)
        responses.append(response)
    return responses


# ---------------------------------------------------------------- context

# The national comparators of Appendix 1 of the Hampshire report, given to every area: local
# authority, unemployment %, population and BME % as in its demographic table, then the national
# average of its caseload table, which has no total ("n/a").
ENGLAND_AND_WALES = "England and Wales"
ENGLAND_AND_WALES_DEMOGRAPHY = (ENGLAND_AND_WALES, "8.0", str(ENGLAND_AND_WALES_POPULATION), "14.1")
ENGLAND_AND_WALES_CASELOAD = (
    (ENGLAND_AND_WALES, "caseload_white_pct", "77.1"),
    (ENGLAND_AND_WALES, "caseload_minority_ethnic_pct", "19.7"),
    (ENGLAND_AND_WALES, "caseload_male_pct", "89.9"),
    (ENGLAND_AND_WALES, "caseload_female_pct", "10.1"),
)
# Appendix 1 of the Hampshire report: local authority, unemployment %, population, BME %.
HAMPSHIRE_LOCAL_AUTHORITIES = (
    ("Basingstoke and Deane", "5.4", "167800", "7.1"),
    ("East Hampshire", "4.6", "115600", "3.2"),
    ("Eastleigh", "5.0", "125200", "5.3"),
    ("Fareham", "4.5", "111600", "3.2"),
    ("Gosport", "6.6", "82600", "3.6"),
    ("Hart", "3.8", "91000", "5.2"),
    ("Havant", "7.8", "120700", "3.0"),
    ("New Forest", "4.4", "176500", "2.4"),
    ("Rushmoor", "6.0", "93800", "15.3"),
    ("Test Valley", "4.4", "116400", "4.0"),
    ("Winchester", "3.9", "116600", "4.5"),
    ("Hampshire", "5.3", "1317800", "5.0"),
    ("Isle of Wight", "8.0", "138300", "2.7"),
    ("Portsmouth", "7.2", "205100", "11.6"),
    ("Southampton", "7.9", "236900", "14.2"),
    ENGLAND_AND_WALES_DEMOGRAPHY,
)
# Period and source labels as the report prints them.
LABOUR_MARKET = ("October to September 2012", "Office for National Statistics Local Labour Market Indicators")
CENSUS = ("2011", CENSUS_2011)
CRIME_SURVEY = ("2011/2012", "Crime Survey for England and Wales, 2011/2012")
CASELOAD = ("October 2012", "Analytical Services, Ministry of Justice")
HAMPSHIRE_CASELOAD = (
    ("Hampshire Probation Trust", "caseload_total", "5981"),
    ("Hampshire Probation Trust", "caseload_white_pct", "87.1"),
    ("Hampshire Probation Trust", "caseload_minority_ethnic_pct", "6.9"),
    ("Hampshire Probation Trust", "caseload_male_pct", "88.9"),
    ("Hampshire Probation Trust", "caseload_female_pct", "11.1"),
    *ENGLAND_AND_WALES_CASELOAD,
)

Row = tuple[str, str, str, str, str]


def build_context(inspection: DemoInspection) -> list[Row]:
    """Rows of context.csv: geography, measure, value, period, source."""
    if inspection.inspection_id == HAMPSHIRE_ID:
        return _hampshire_context()
    profile = AREA_PROFILES[inspection.inspection_id]
    area, context = inspection.area, profile.context
    # Invented values, labelled as such, under the periods of Hampshire's report so that they line
    # up with the national comparators below.
    invented_caseload = (CASELOAD[0], INVENTED_SOURCE)
    return [
        (area, "unemployment_rate_pct", _pct(context.unemployment_rate_pct), LABOUR_MARKET[0], INVENTED_SOURCE),
        (area, "population", str(profile.population), CENSUS[0], profile.population_source),
        (area, "bme_population_pct", _pct(context.bme_population_pct), CENSUS[0], INVENTED_SOURCE),
        (area, "caseload_total", str(context.caseload_total), *invented_caseload),
        (area, "caseload_white_pct", _pct(context.caseload_white_pct), *invented_caseload),
        (area, "caseload_minority_ethnic_pct", _pct(context.caseload_minority_ethnic_pct), *invented_caseload),
        (area, "caseload_male_pct", _pct(context.caseload_male_pct), *invented_caseload),
        (area, "caseload_female_pct", _pct(context.caseload_female_pct), *invented_caseload),
        *_demography_rows(*ENGLAND_AND_WALES_DEMOGRAPHY),
        *_caseload_rows(ENGLAND_AND_WALES_CASELOAD),
    ]


def _pct(value: float) -> str:
    return f"{value:.1f}"


def _demography_rows(geography: str, unemployment: str, population: str, bme: str) -> list[Row]:
    """A geography's row of Appendix 1's demographic table, with the report's periods and sources."""
    return [
        (geography, "unemployment_rate_pct", unemployment, *LABOUR_MARKET),
        (geography, "population", population, *CENSUS),
        (geography, "bme_population_pct", bme, *CENSUS),
    ]


def _caseload_rows(caseload: tuple[tuple[str, str, str], ...]) -> list[Row]:
    return [(geography, measure, value, *CASELOAD) for geography, measure, value in caseload]


def _hampshire_context() -> list[Row]:
    rows = []
    for authority in HAMPSHIRE_LOCAL_AUTHORITIES:
        rows.extend(_demography_rows(*authority))
    rows.append(("Hampshire", "violence_against_person_rate_per_1000", "13", *CRIME_SURVEY))
    rows.append((ENGLAND_AND_WALES, "violence_against_person_rate_per_1000", "14", *CRIME_SURVEY))
    rows.extend(_caseload_rows(HAMPSHIRE_CASELOAD))
    return rows


# ---------------------------------------------------------------- writing


def _csv_bytes(header: list[str], rows: list[list[str]] | list[tuple[str, ...]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _write_bytes(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def render_return(inspection: DemoInspection, catalogue: DemoCatalogue) -> dict[str, bytes]:
    """The return's files, in the order they must be written (`_READY` last)."""
    cases = build_cases(inspection)
    answers = build_answers(inspection, cases, catalogue)
    files = {
        "inspection.yaml": yaml.safe_dump(
            {
                "inspection_id": inspection.inspection_id,
                "area": inspection.area,
                "group_id": inspection.group_id,
                "group_theme": inspection.group_theme,
                "position_in_group": inspection.position_in_group,
                "fieldwork_start": inspection.fieldwork_start,
                "methodology": inspection.methodology,
                "synthetic": True,
            },
            sort_keys=False,
            allow_unicode=True,
        ).encode("utf-8"),
        "cases.csv": _csv_bytes(
            ["case_ref", "case_type", "gender", "ethnicity", "rosh", "principal_offence"],
            [[c.case_ref, c.case_type, c.gender, c.ethnicity, c.rosh, c.principal_offence] for c in cases],
        ),
        "answers.csv": _csv_bytes(
            ["case_ref", "question_id", "answer"],
            [
                [case.case_ref, question.question_id, answers[case.case_ref, question.question_id]]
                for case in cases
                for question in catalogue.questions
            ],
        ),
    }
    responses = build_victim_responses(inspection, catalogue)
    if responses:
        prefix = CASE_REF_PREFIXES[inspection.inspection_id]
        columns = [*catalogue.victim_question_ids, "comment"]
        files["victim_questionnaire.csv"] = _csv_bytes(
            ["respondent_id", *columns],
            [
                [f"SYN-{prefix}-V{number:02d}", *(response.get(column, "") for column in columns)]
                for number, response in enumerate(responses, start=1)
            ],
        )
    files["context.csv"] = _csv_bytes(["geography", "measure", "value", "period", "source"], build_context(inspection))
    files[READY_MARKER] = b""
    return files


def _write_delivery(dest_folder: Path, files: Mapping[str, bytes]) -> Path:
    """Write rendered files in their order (`_READY` last) into `dest_folder`."""
    dest_folder.mkdir(parents=True, exist_ok=True)
    # A marker left by an earlier write would announce the delivery before it is complete.
    (dest_folder / READY_MARKER).unlink(missing_ok=True)
    for name, data in files.items():
        _write_bytes(dest_folder / name, data)
    return dest_folder


def _write_return(inspection: DemoInspection, dest_folder: Path, catalogue: DemoCatalogue) -> Path:
    return _write_delivery(dest_folder, render_return(inspection, catalogue))


def write_return(inspection: DemoInspection, dest_folder: Path, seeds_dir: Path | None = None) -> Path:
    """Write one return into `dest_folder` (the return's own folder, created if missing)."""
    return _write_return(inspection, Path(dest_folder), load_demo_catalogue(seeds_dir))


def write_demo_programme(landing: Path, seeds_dir: Path | None = None) -> list[Path]:
    """Write the demo returns as landing/inspections/<inspection_id>/ folders; returns their paths."""
    catalogue = load_demo_catalogue(seeds_dir)
    return [
        _write_return(inspection, Path(landing) / "inspections" / inspection.inspection_id, catalogue)
        for inspection in DEMO_INSPECTIONS
    ]


# ---------------------------------------------------------------- offender survey


@dataclass(frozen=True)
class DemoSurvey:
    """One delivery of the national annual NOMS Offender Survey."""

    survey_id: str
    survey_year: int
    # (fewest, most) responses for areas whose count is not drawn from SURVEY_RESPONSES_PER_AREA.
    responses_per_area: Mapping[str, tuple[int, int]] = field(default_factory=dict)


# An inspection reads the survey of the year before its fieldwork. Each delivery has one area
# below the disclosure threshold, so that suppression has something to do.
DEMO_SURVEYS: tuple[DemoSurvey, ...] = (
    # "For 2012, Hampshire received 565 responses" (the report, 3.5).
    DemoSurvey("noms-offender-survey-2012", 2012, {"Hampshire": (565, 565), "Placeholder Area E": (7, 7)}),
    DemoSurvey("noms-offender-survey-2013", 2013, {"Hampshire": (400, 700), "Placeholder Area F": (4, 4)}),
)
SURVEY_RESPONSES_PER_AREA = (120, 900)
# Real trusts the demo does not inspect: the survey is national, not limited to inspected areas.
UNINSPECTED_SURVEY_AREAS = ("Cumbria", "Dorset", "Kent")
DEMO_SURVEY_AREAS: tuple[str, ...] = (
    *dict.fromkeys(inspection.area for inspection in DEMO_INSPECTIONS),
    *UNINSPECTED_SURVEY_AREAS,
)

# The catalogue's option for an empty cell: nothing answered, or nothing ticked.
BLANK_OPTION = "blank"
# For a single-answer question, the weights of its options (a skipped question is drawn apart, at
# SKIPPED_QUESTION_SHARE); for a multi-select question, the probability that each option is ticked,
# independently of the others.
SURVEY_ANSWER_WEIGHTS: dict[str, Mapping[str, float]] = {
    "sq_involved_in_sentence_plan": {"yes": 0.72, "no": 0.16, "no_only_recently_started": 0.12},
    "sq_offender_manager_discussed_plan": {"yes": 0.8, "no": 0.1, "no_only_recently_started": 0.1},
    "sq_more_help_with": {
        "accommodation": 0.2,
        "education_training_employment": 0.3,
        "finance_benefits_debt": 0.25,
        "alcohol": 0.1,
        "drugs": 0.1,
        "health": 0.14,
        "relationships": 0.1,
        "attitudes_thinking_behaviour": 0.12,
    },
    "sq_overall_experience": {
        "very_good": 0.4,
        "good": 0.35,
        "neither_good_nor_poor": 0.13,
        "poor": 0.07,
        "very_poor": 0.05,
    },
}
# Areas whose answers depart from the national weights, question by question (whole mappings).
AREA_SURVEY_WEIGHTS: dict[str, dict[str, Mapping[str, float]]] = {
    # Hampshire, from the report: more involvement in sentence planning than the almost
    # three-quarters of cases the inspectors saw; "generally very positive" about supervision;
    # accommodation "noted by over one-quarter of respondents"; a comment wished ETE had come sooner.
    "Hampshire": {
        "sq_involved_in_sentence_plan": {"yes": 0.85, "no": 0.07, "no_only_recently_started": 0.08},
        "sq_offender_manager_discussed_plan": {"yes": 0.9, "no": 0.05, "no_only_recently_started": 0.05},
        "sq_more_help_with": {**SURVEY_ANSWER_WEIGHTS["sq_more_help_with"], "accommodation": 0.28},
        "sq_overall_experience": {
            "very_good": 0.55,
            "good": 0.32,
            "neither_good_nor_poor": 0.08,
            "poor": 0.03,
            "very_poor": 0.02,
        },
    },
    # London's press release: individuals not involved enough in setting sentence plan objectives.
    "London": {"sq_involved_in_sentence_plan": {"yes": 0.6, "no": 0.27, "no_only_recently_started": 0.13}},
}
# The report's year is kept as weighted; every other area and year varies by up to this share.
SURVEY_AS_REPORTED = frozenset({("Hampshire", 2012)})
SURVEY_AREA_VARIATION = 0.15


@dataclass(frozen=True)
class DemoSurveyQuestion:
    question_id: str
    multi: bool
    options: tuple[str, ...]  # catalogue order, without `blank`


def load_survey_questions(seeds_dir: Path | None = None) -> tuple[DemoSurveyQuestion, ...]:
    """The survey questions from the seeds; fails if the generator has no weights for one of them
    or for one of their options."""
    seeds = seeds_dir or DEFAULT_SEEDS_DIR
    questions = []
    for row in _read_csv(seeds / "code_lists" / "survey_questions.csv"):
        question_id = row["question_id"]
        if row["answer_type"] not in ("single", "multi"):
            raise ValueError(f"survey question {question_id}: unknown answer_type '{row['answer_type']}'")
        options = tuple(option for option in row["answer_options"].split("|") if option != BLANK_OPTION)
        if question_id not in SURVEY_ANSWER_WEIGHTS:
            raise ValueError(
                f"survey question {question_id}: the demo generator has no answer weights for it; "
                f"add them to SURVEY_ANSWER_WEIGHTS in {Path(__file__).name}"
            )
        overrides = {
            area: weights[question_id] for area, weights in AREA_SURVEY_WEIGHTS.items() if question_id in weights
        }
        for where, weights in {"SURVEY_ANSWER_WEIGHTS": SURVEY_ANSWER_WEIGHTS[question_id], **overrides}.items():
            if set(weights) != set(options):
                raise ValueError(
                    f"survey question {question_id}: the weights in {where} are for {', '.join(weights)}; "
                    f"the catalogue's options are {', '.join(options)}"
                )
        questions.append(DemoSurveyQuestion(question_id, row["answer_type"] == "multi", options))
    return tuple(questions)


def _survey_weights(survey: DemoSurvey, area: str, rng: random.Random) -> dict[str, dict[str, float]]:
    weights = {**SURVEY_ANSWER_WEIGHTS, **AREA_SURVEY_WEIGHTS.get(area, {})}
    spread = 0.0 if (area, survey.survey_year) in SURVEY_AS_REPORTED else SURVEY_AREA_VARIATION
    return {
        question_id: {option: weight * rng.uniform(1 - spread, 1 + spread) for option, weight in options.items()}
        for question_id, options in weights.items()
    }


def build_survey_responses(
    survey: DemoSurvey, area: str, questions: tuple[DemoSurveyQuestion, ...]
) -> list[dict[str, str]]:
    """One dict per response of the area: question_id -> cell ('' = blank; ';' between ticks)."""
    rng = random.Random(f"iaow-demo:{survey.survey_id}:{area}")
    fewest, most = survey.responses_per_area.get(area, SURVEY_RESPONSES_PER_AREA)
    n = rng.randint(fewest, most)
    weights = _survey_weights(survey, area, rng)
    responses = []
    for _ in range(n):
        response = {}
        for question in questions:
            options = weights[question.question_id]
            if question.multi:
                ticked = [option for option in question.options if rng.random() < options[option]]
                response[question.question_id] = MULTI_SEPARATOR.join(ticked)
            elif rng.random() < SKIPPED_QUESTION_SHARE:
                response[question.question_id] = ""
            else:
                response[question.question_id] = rng.choices(
                    question.options, weights=[options[option] for option in question.options]
                )[0]
        responses.append(response)
    return responses


def render_survey(survey: DemoSurvey, seeds_dir: Path | None = None) -> dict[str, bytes]:
    """The delivery's files, in the order they must be written (`_READY` last)."""
    questions = load_survey_questions(seeds_dir)
    rows = []
    for area in DEMO_SURVEY_AREAS:
        for response in build_survey_responses(survey, area, questions):
            response_id = f"SYN-S{survey.survey_year}-{len(rows) + 1:06d}"
            rows.append([response_id, area, *(response[question.question_id] for question in questions)])
    return {
        SURVEY_FILE: yaml.safe_dump(
            {"survey_id": survey.survey_id, "survey_year": survey.survey_year, "synthetic": True},
            sort_keys=False,
            allow_unicode=True,
        ).encode("utf-8"),
        RESPONSES_FILE: _csv_bytes(["response_id", "area", *(question.question_id for question in questions)], rows),
        READY_MARKER: b"",
    }


def write_demo_surveys(landing: Path, seeds_dir: Path | None = None) -> list[Path]:
    """Write the demo survey deliveries as landing/surveys/<survey_id>/ folders; returns their paths."""
    return [
        _write_delivery(Path(landing) / SURVEYS_FOLDER / survey.survey_id, render_survey(survey, seeds_dir))
        for survey in DEMO_SURVEYS
    ]
