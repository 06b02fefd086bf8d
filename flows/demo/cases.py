"""Synthetic cases: a return's sample, with the attributes of cases.csv and the facts (flags) that
decide which questions apply to each case."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from flows.demo.tables import (
    HAMPSHIRE_ID,
    CaseMix,
    DemoInspection,
    area_profile,
    case_gender_weights,
    demo_group,
    hampshire_case_mix,
)


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


def _everyone(case: SyntheticCase) -> bool:
    return True


@dataclass(frozen=True)
class FlagRule:
    """Give `flag` to some of the cases in `pool`; `key` names the amount in a CaseMix."""

    key: str
    flag: str
    pool: Callable[[SyntheticCase], bool]


def _rule(flag: str, pool: Callable[[SyntheticCase], bool]) -> FlagRule:
    return FlagRule(flag, flag, pool)


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


def case_mix(inspection: DemoInspection) -> CaseMix:
    """Hampshire's exact counts; for every other area, its group's mix with the area's ethnicity."""
    if inspection.inspection_id == HAMPSHIRE_ID:
        return hampshire_case_mix()
    group = demo_group(inspection.group_id)
    return CaseMix(
        exact=False,
        case_type=group.case_type,
        gender=case_gender_weights(),
        ethnicity=area_profile(inspection.inspection_id).ethnicity,
        rosh=group.rosh,
        principal_offence=group.principal_offence,
        flags=group.flag_shares,
    )


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
        if rule.key not in mix.flags:
            raise ValueError(f"the case mix has no amount for the flag rule {rule.key}")
        amount = mix.flags[rule.key]
        count = int(amount) if mix.exact else sum(rng.random() < amount for _ in pool)
        if count > len(pool):
            raise ValueError(f"{rule.key}: {count} cases wanted but only {len(pool)} qualify")
        for case in rng.sample(pool, count):
            case.flags.add(rule.flag)


def build_cases(inspection: DemoInspection) -> list[SyntheticCase]:
    """The sampled cases with their attributes and the facts that decide which questions apply."""
    rng = random.Random(f"iaow-demo:{inspection.inspection_id}:cases")
    mix = case_mix(inspection)
    n = inspection.n_cases
    prefix = inspection.case_ref_prefix
    cases = [SyntheticCase(f"SYN-{prefix}-{number:05d}") for number in sorted(rng.sample(range(1, 100000), n))]
    for attribute in ("case_type", "gender", "ethnicity", "rosh", "principal_offence"):
        for case, value in zip(cases, _draw_categories(rng, n, getattr(mix, attribute), mix.exact), strict=False):
            setattr(case, attribute, value)
    _make_serious_offences_plausible(cases)
    for case in cases:
        case.quality = rng.gauss(0.0, 0.5)
    _assign_flags(cases, mix, rng)
    return cases
