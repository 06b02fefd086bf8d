"""The demo programme: eleven SYNTHETIC inspection returns in the form of landing contract v1.

Every case, answer and questionnaire response written here is invented; case references
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
Placeholder areas stand for inspections whose areas the sources do not name.

Output is byte-for-byte deterministic: every random draw comes from a generator seeded with the
inspection id, and nothing reads the clock.
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
class AreaProfile:
    """An area whose return is generated from rates (every area but Hampshire)."""

    # The outcome scores (1-5) the area's work is pitched at.
    outcome_levels: tuple[float, float, float, float, float]
    ethnicity: Mapping[str, float]
    victim_respondents: int
    population: int
    population_source: str
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
    ),
    "placeholder-area-b-2013": AreaProfile(
        outcome_levels=(0.76, 0.78, 0.70, 0.68, 0.74),
        ethnicity=_ethnicity(0.82, 0.03, 0.07, 0.04, 0.01, 0.03),
        victim_respondents=0,
        population=780000,
        population_source=INVENTED_SOURCE,
    ),
    # Press: sentence plans not always sufficient; alcohol interventions in too few cases; RoSH
    # screening missing or weak in a number of cases; too many risk management plans poor.
    "devon-and-cornwall-2013": AreaProfile(
        outcome_levels=(0.86, 0.80, 0.72, 0.68, 0.80),
        ethnicity=_ethnicity(0.95, 0.01, 0.01, 0.01, 0.005, 0.015),
        victim_respondents=5,
        population=1668200,
        population_source=APPROXIMATED_SOURCE,
        question_rates={"q2.1.3": 0.70, "q3.2.4": 0.40, "q4.1.1": 0.78, "q4.1.6": 0.55},
    ),
    "northumbria-2013": AreaProfile(
        outcome_levels=(0.83, 0.84, 0.81, 0.77, 0.79),
        ethnicity=_ethnicity(0.94, 0.01, 0.02, 0.01, 0.01, 0.01),
        victim_respondents=6,
        population=1420900,
        population_source=APPROXIMATED_SOURCE,
    ),
    # Press: child safeguarding insufficient in a quarter of cases; victim safety not prioritised
    # in a third; assessments not always reviewed promptly after a change.
    "northamptonshire-2013": AreaProfile(
        outcome_levels=(0.81, 0.76, 0.73, 0.65, 0.66),
        ethnicity=_ethnicity(0.85, 0.03, 0.03, 0.05, 0.01, 0.03),
        victim_respondents=2,
        population=692000,
        population_source=APPROXIMATED_SOURCE,
        question_rates={"q4.1.4": 0.75, "q5.2.1": 0.67, "q4.2.6": 0.45, "q4.1.1": 0.80},
    ),
    "placeholder-area-c-2014": AreaProfile(
        outcome_levels=(0.78, 0.79, 0.71, 0.70, 0.73),
        ethnicity=_ethnicity(0.80, 0.04, 0.07, 0.05, 0.02, 0.02),
        victim_respondents=0,
        population=1230000,
        population_source=INVENTED_SOURCE,
    ),
    "placeholder-area-d-2014": AreaProfile(
        outcome_levels=(0.74, 0.75, 0.68, 0.66, 0.70),
        ethnicity=_ethnicity(0.75, 0.04, 0.10, 0.07, 0.02, 0.02),
        victim_respondents=4,
        population=960000,
        population_source=INVENTED_SOURCE,
    ),
    "placeholder-area-f-2018": AreaProfile(
        outcome_levels=(0.78, 0.70, 0.66, 0.64, 0.68),
        ethnicity=_ethnicity(0.85, 0.03, 0.05, 0.04, 0.01, 0.02),
        victim_respondents=3,
        population=720000,
        population_source=INVENTED_SOURCE,
    ),
    "placeholder-area-e-2014": AreaProfile(
        outcome_levels=(0.80, 0.81, 0.74, 0.73, 0.76),
        ethnicity=_ethnicity(0.88, 0.02, 0.04, 0.03, 0.01, 0.02),
        victim_respondents=1,
        population=640000,
        population_source=INVENTED_SOURCE,
    ),
    # Press: RoH screening accurate in just under three-quarters of cases; victims' concerns taken
    # into account in fewer than half; effective oversight not evident in most; too few checks
    # with Children's Services; home visits not always done; many LoR assessments insufficient;
    # individuals not involved enough in setting sentence plan objectives.
    "london-2014": AreaProfile(
        outcome_levels=(0.74, 0.72, 0.60, 0.61, 0.62),
        ethnicity=_ethnicity(0.48, 0.07, 0.12, 0.25, 0.04, 0.04),
        victim_respondents=8,
        population=8173900,
        population_source=APPROXIMATED_SOURCE,
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
    ("England and Wales", "8.0", "56075900", "14.1"),
)
# Period and source labels as the report prints them.
LABOUR_MARKET = ("October to September 2012", "Office for National Statistics Local Labour Market Indicators")
CRIME_SURVEY = ("2011/2012", "Crime Survey for England and Wales, 2011/2012")
CASELOAD = ("October 2012", "Analytical Services, Ministry of Justice")
HAMPSHIRE_CASELOAD = (
    ("Hampshire Probation Trust", "caseload_total", "5981"),
    ("Hampshire Probation Trust", "caseload_white_pct", "87.1"),
    ("Hampshire Probation Trust", "caseload_minority_ethnic_pct", "6.9"),
    ("Hampshire Probation Trust", "caseload_male_pct", "88.9"),
    ("Hampshire Probation Trust", "caseload_female_pct", "11.1"),
    # The national average has no total ("n/a" in the report).
    ("England and Wales", "caseload_white_pct", "77.1"),
    ("England and Wales", "caseload_minority_ethnic_pct", "19.7"),
    ("England and Wales", "caseload_male_pct", "89.9"),
    ("England and Wales", "caseload_female_pct", "10.1"),
)


def build_context(inspection: DemoInspection) -> list[tuple[str, str, str, str, str]]:
    """Rows of context.csv: geography, measure, value, period, source."""
    if inspection.inspection_id == HAMPSHIRE_ID:
        return _hampshire_context()
    profile = AREA_PROFILES[inspection.inspection_id]
    return [
        (inspection.area, "population", str(profile.population), "2011", profile.population_source),
        ("England and Wales", "population", str(ENGLAND_AND_WALES_POPULATION), "2011", CENSUS_2011),
    ]


def _hampshire_context() -> list[tuple[str, str, str, str, str]]:
    rows = []
    for geography, unemployment, population, bme in HAMPSHIRE_LOCAL_AUTHORITIES:
        rows.append((geography, "unemployment_rate_pct", unemployment, *LABOUR_MARKET))
        rows.append((geography, "population", population, "2011", CENSUS_2011))
        rows.append((geography, "bme_population_pct", bme, "2011", CENSUS_2011))
    rows.append(("Hampshire", "violence_against_person_rate_per_1000", "13", *CRIME_SURVEY))
    rows.append(("England and Wales", "violence_against_person_rate_per_1000", "14", *CRIME_SURVEY))
    rows.extend((geography, measure, value, *CASELOAD) for geography, measure, value in HAMPSHIRE_CASELOAD)
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


def _write_return(inspection: DemoInspection, dest_folder: Path, catalogue: DemoCatalogue) -> Path:
    dest_folder.mkdir(parents=True, exist_ok=True)
    # A marker left by an earlier write would announce the return before it is complete.
    (dest_folder / READY_MARKER).unlink(missing_ok=True)
    for name, data in render_return(inspection, catalogue).items():
        _write_bytes(dest_folder / name, data)
    return dest_folder


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
