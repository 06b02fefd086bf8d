"""Synthetic answers: yes / no / n/a for every case and question of a return. Hampshire's give
exactly its report's fractions; every other area's are drawn from rates."""

from __future__ import annotations

import math
import random

from flows.demo.cases import SyntheticCase
from flows.demo.catalogue import DemoCatalogue, Question
from flows.demo.tables import HAMPSHIRE_ID, AreaProfile, DemoInspection, area_profile, hampshire_published_levels

# A question can only be answered "yes" for cases with this flag: an assessment that was never
# completed cannot have been sufficient.
YES_ONLY_WHEN: dict[str, str] = {"q3.1.1": "lor_assessment_completed"}


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
    shift = profile.outcome_levels[index] - hampshire_published_levels()[index]
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
            log_odds = _logit(_question_rate(question, area_profile(inspection.inspection_id), catalogue))
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
