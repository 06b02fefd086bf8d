"""The methodology and code lists, read from the dbt seeds: one source of truth for validation and scoring."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flows.config import SEEDS_DIR


def read_seed(relative: str, seeds_dir: Path = SEEDS_DIR) -> list[dict[str, str]]:
    with open(seeds_dir / relative, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class Methodology:
    methodology_id: str
    status: str  # confirmed | to_be_confirmed
    score_rule: str
    min_cases: int
    max_cases: int
    question_ids: tuple[str, ...]


@dataclass(frozen=True)
class MeasureRange:
    unit: str
    min_value: float
    max_value: float


@dataclass(frozen=True)
class VictimQuestion:
    question_id: str
    answer_options: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    methodologies: dict[str, Methodology]
    case_types: tuple[str, ...]
    genders: tuple[str, ...]
    ethnicities: tuple[str, ...]
    rosh_levels: tuple[str, ...]
    offence_codes: tuple[str, ...]
    answers: tuple[str, ...]
    measures: dict[str, MeasureRange]
    victim_questions: tuple[VictimQuestion, ...]


@lru_cache(maxsize=4)
def load_catalogue(seeds_dir: Path = SEEDS_DIR) -> Catalogue:
    def codes(relative: str, column: str) -> tuple[str, ...]:
        return tuple(row[column] for row in read_seed(relative, seeds_dir))

    questions = read_seed("methodology/questions.csv", seeds_dir)
    methodologies = {
        row["methodology_id"]: Methodology(
            methodology_id=row["methodology_id"],
            status=row["status"],
            score_rule=row["score_rule"],
            min_cases=int(row["min_cases"]),
            max_cases=int(row["max_cases"]),
            question_ids=tuple(
                q["question_id"] for q in questions if q["methodology_id"] == row["catalogue_id"]
            ),
        )
        for row in read_seed("methodology/methodologies.csv", seeds_dir)
    }
    measures = {
        row["measure"]: MeasureRange(row["unit"], float(row["min_value"]), float(row["max_value"]))
        for row in read_seed("code_lists/context_measures.csv", seeds_dir)
    }
    victim_questions = tuple(
        VictimQuestion(row["question_id"], tuple(row["answer_options"].split("|")))
        for row in read_seed("code_lists/victim_questions.csv", seeds_dir)
    )
    return Catalogue(
        methodologies=methodologies,
        case_types=codes("code_lists/case_types.csv", "case_type"),
        genders=codes("code_lists/genders.csv", "gender"),
        ethnicities=codes("code_lists/ethnicities.csv", "ethnicity"),
        rosh_levels=codes("code_lists/rosh_levels.csv", "rosh"),
        offence_codes=codes("code_lists/offence_codes.csv", "offence_code"),
        answers=codes("code_lists/answer_values.csv", "answer"),
        measures=measures,
        victim_questions=victim_questions,
    )
