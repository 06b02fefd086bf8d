"""The methodology and code lists, read from the dbt seeds: one source of truth for validation and scoring."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
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
    additive: bool = False  # parts (districts) add up to the whole (county)
    share_set: str | None = None  # percentages that must sum to 100 with the rest of their set


@dataclass(frozen=True)
class ShareSet:
    share_set: str
    tolerance_points: float
    unknown_remainder: bool  # may sum to less than 100 (the rest is "not recorded")


@dataclass(frozen=True)
class Geography:
    geography: str
    geography_type: str  # national | probation_area | county | unitary_authority | district
    part_of: str | None


@dataclass(frozen=True)
class SurveyQuestion:
    question_id: str
    answer_type: str  # single | multi
    answer_options: tuple[str, ...]  # includes BLANK_OPTION

    @property
    def answerable_options(self) -> tuple[str, ...]:
        """What a sender may write in a cell: every option but `blank`, which an empty cell stands for."""
        return tuple(option for option in self.answer_options if option != BLANK_OPTION)


BLANK_OPTION = "blank"
# Several options of a multi-select question share one cell: "accommodation;health".
MULTI_SEPARATOR = ";"


def ticked_options(cell: str | None) -> list[str]:
    """The options of a multi-select cell, as written (blank tokens kept, so they are reported)."""
    if cell is None:
        return []
    return [token.strip() for token in cell.split(MULTI_SEPARATOR)]


# The code list of areas: the probation trusts, and the invented areas of demo and test data.
AREAS_SEED = "code_lists/probation_areas.csv"
AREAS_CODE_LIST = f"dbt/seeds/{AREAS_SEED}"


@dataclass(frozen=True)
class Area:
    area: str  # the name, as inspection.yaml and responses.csv must spell it
    area_type: str  # probation_trust | placeholder
    synthetic: bool  # invented for demo or test data: accepted only in an input that says `synthetic: true`
    description: str


@dataclass(frozen=True)
class VictimQuestion:
    question_id: str
    answer_options: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    group_size: int  # inspections in a group of the programme (programme_constants.csv)
    methodologies: dict[str, Methodology]
    case_types: tuple[str, ...]
    genders: tuple[str, ...]
    ethnicities: tuple[str, ...]
    rosh_levels: tuple[str, ...]
    offence_codes: tuple[str, ...]
    answers: tuple[str, ...]
    measures: dict[str, MeasureRange]
    victim_questions: tuple[VictimQuestion, ...]
    share_sets: dict[str, ShareSet]
    geographies: dict[str, Geography]
    survey_questions: tuple[SurveyQuestion, ...]
    probation_areas: tuple[str, ...]  # the real areas of the code list (AREAS_SEED), in its order
    synthetic_areas: tuple[str, ...] = ()  # its invented ones (demo and test data), in its order
    areas: dict[str, Area] = field(default_factory=dict)  # every area of the code list, by name


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
        row["measure"]: MeasureRange(
            row["unit"],
            float(row["min_value"]),
            float(row["max_value"]),
            additive=row["additive"] == "true",
            share_set=row["share_set"] or None,
        )
        for row in read_seed("code_lists/context_measures.csv", seeds_dir)
    }
    victim_questions = tuple(
        VictimQuestion(row["question_id"], tuple(row["answer_options"].split("|")))
        for row in read_seed("code_lists/victim_questions.csv", seeds_dir)
    )
    share_sets = {
        row["share_set"]: ShareSet(row["share_set"], float(row["tolerance_points"]), row["unknown_remainder"] == "true")
        for row in read_seed("code_lists/context_share_sets.csv", seeds_dir)
    }
    geographies = {
        row["geography"]: Geography(row["geography"], row["geography_type"], row["part_of"] or None)
        for row in read_seed("code_lists/geographies.csv", seeds_dir)
    }
    survey_questions = tuple(
        SurveyQuestion(row["question_id"], row["answer_type"], tuple(row["answer_options"].split("|")))
        for row in read_seed("code_lists/survey_questions.csv", seeds_dir)
    )
    areas = {
        row["area"]: Area(row["area"], row["area_type"], row["synthetic"] == "true", row["description"])
        for row in read_seed(AREAS_SEED, seeds_dir)
    }
    constants = {row["constant"]: row["value"] for row in read_seed("methodology/programme_constants.csv", seeds_dir)}
    return Catalogue(
        group_size=int(constants["group_size"]),
        methodologies=methodologies,
        case_types=codes("code_lists/case_types.csv", "case_type"),
        genders=codes("code_lists/genders.csv", "gender"),
        ethnicities=codes("code_lists/ethnicities.csv", "ethnicity"),
        rosh_levels=codes("code_lists/rosh_levels.csv", "rosh"),
        offence_codes=codes("code_lists/offence_codes.csv", "offence_code"),
        answers=codes("code_lists/answer_values.csv", "answer"),
        measures=measures,
        victim_questions=victim_questions,
        share_sets=share_sets,
        geographies=geographies,
        survey_questions=survey_questions,
        probation_areas=tuple(name for name, area in areas.items() if not area.synthetic),
        synthetic_areas=tuple(name for name, area in areas.items() if area.synthetic),
        areas=areas,
    )
