"""Synthetic victim questionnaire responses: Hampshire's from its report, every other area's drawn
from the answer weights."""

from __future__ import annotations

import random

from flows.demo.catalogue import DemoCatalogue
from flows.demo.tables import HAMPSHIRE_ID, DemoInspection, area_profile, hampshire_victim_responses, victim_answers

# Questions a respondent leaves unanswered (the offender survey's blank single answers too).
SKIPPED_QUESTION_SHARE = 0.03
# Respondents who write a comment.
COMMENT_SHARE = 0.3


def build_victim_responses(inspection: DemoInspection, catalogue: DemoCatalogue) -> list[dict[str, str]]:
    """One dict per respondent: question_id -> answer ('' = not answered), plus 'comment'."""
    if inspection.inspection_id == HAMPSHIRE_ID:
        return [dict(row) for row in hampshire_victim_responses()]
    answers = victim_answers()
    rng = random.Random(f"iaow-demo:{inspection.inspection_id}:victims")
    responses = []
    for _ in range(area_profile(inspection.inspection_id).victim_respondents):
        response: dict[str, str] = {}
        for question_id in catalogue.victim_question_ids:
            lead = answers.follow_ups.get(question_id)
            weights = answers.answer_weights[question_id]
            if lead is not None and response.get(lead[0]) != lead[1]:
                response[question_id] = "not_applicable"
            elif rng.random() < SKIPPED_QUESTION_SHARE:
                response[question_id] = ""
            else:
                response[question_id] = rng.choices(list(weights), weights=list(weights.values()))[0]
        if rng.random() < COMMENT_SHARE:
            response["comment"] = rng.choice(answers.comments)
        responses.append(response)
    return responses
