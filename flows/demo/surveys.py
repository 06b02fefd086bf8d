"""Synthetic offender survey deliveries: responses from every demo area and a few trusts not
inspected, rendered as the files of a delivery (`_READY` last). Writing them is
`flows.demo.write_demo_surveys`."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from flows.config import SEEDS_DIR
from flows.core.catalogue import MULTI_SEPARATOR
from flows.demo.files import csv_bytes, yaml_bytes
from flows.demo.tables import (
    SURVEY_ANSWER_WEIGHTS_FILE,
    DemoSurvey,
    demo_inspections,
    read_csv,
    survey_answer_weights,
    uninspected_survey_areas,
)
from flows.demo.victims import SKIPPED_QUESTION_SHARE
from flows.sources.base import READY_MARKER
from flows.sources.surveys.read import RESPONSES_FILE, SURVEY_FILE

DEFAULT_SEEDS_DIR = SEEDS_DIR
# The catalogue's option for an empty cell: nothing answered, or nothing ticked.
BLANK_OPTION = "blank"
# Every area and year but those kept as reported varies from the weights by up to this share.
SURVEY_AREA_VARIATION = 0.15


@lru_cache(maxsize=None)
def demo_survey_areas() -> tuple[str, ...]:
    """Every demo area (in fieldwork order), then the uninspected trusts."""
    return (*dict.fromkeys(inspection.area for inspection in demo_inspections()), *uninspected_survey_areas())


@dataclass(frozen=True)
class DemoSurveyQuestion:
    question_id: str
    multi: bool
    options: tuple[str, ...]  # catalogue order, without `blank`


def load_survey_questions(seeds_dir: Path | None = None) -> tuple[DemoSurveyQuestion, ...]:
    """The survey questions from the seeds; fails if the generator has no weights for one of them
    or for one of their options."""
    seeds = seeds_dir or DEFAULT_SEEDS_DIR
    weights = survey_answer_weights()
    questions = []
    for row in read_csv(seeds / "code_lists" / "survey_questions.csv"):
        question_id = row["question_id"]
        if row["answer_type"] not in ("single", "multi"):
            raise ValueError(f"survey question {question_id}: unknown answer_type '{row['answer_type']}'")
        options = tuple(option for option in row["answer_options"].split("|") if option != BLANK_OPTION)
        if question_id not in weights.national:
            raise ValueError(
                f"survey question {question_id}: the demo generator has no answer weights for it; "
                f"add them under `national` in {SURVEY_ANSWER_WEIGHTS_FILE.name}"
            )
        overrides = {
            f"areas/{area}": area_weights[question_id]
            for area, area_weights in weights.by_area.items()
            if question_id in area_weights
        }
        for where, option_weights in {"national": weights.national[question_id], **overrides}.items():
            if set(option_weights) != set(options):
                raise ValueError(
                    f"survey question {question_id}: the weights under {where} in {SURVEY_ANSWER_WEIGHTS_FILE.name} "
                    f"are for {', '.join(option_weights)}; the catalogue's options are {', '.join(options)}"
                )
        questions.append(DemoSurveyQuestion(question_id, row["answer_type"] == "multi", options))
    return tuple(questions)


def _survey_weights(survey: DemoSurvey, area: str, rng: random.Random) -> dict[str, dict[str, float]]:
    weights = survey_answer_weights()
    by_question: dict[str, Mapping[str, Any]] = {**weights.national, **weights.by_area.get(area, {})}
    spread = 0.0 if area in survey.weights_as_reported else SURVEY_AREA_VARIATION
    return {
        question_id: {option: weight * rng.uniform(1 - spread, 1 + spread) for option, weight in options.items()}
        for question_id, options in by_question.items()
    }


def build_survey_responses(
    survey: DemoSurvey, area: str, questions: tuple[DemoSurveyQuestion, ...]
) -> list[dict[str, str]]:
    """One dict per response of the area: question_id -> cell ('' = blank; ';' between ticks)."""
    rng = random.Random(f"iaow-demo:{survey.survey_id}:{area}")
    fewest, most = survey.responses_range(area)
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
    for area in demo_survey_areas():
        for response in build_survey_responses(survey, area, questions):
            response_id = f"SYN-S{survey.survey_year}-{len(rows) + 1:06d}"
            rows.append([response_id, area, *(response[question.question_id] for question in questions)])
    return {
        SURVEY_FILE: yaml_bytes(
            {"survey_id": survey.survey_id, "survey_year": survey.survey_year, "synthetic": True}
        ),
        RESPONSES_FILE: csv_bytes(["response_id", "area", *(question.question_id for question in questions)], rows),
        READY_MARKER: b"",
    }
