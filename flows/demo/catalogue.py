"""The questions the demo answers: the scoring questions and the victim questions of the seeds,
with the cases each applies to and Hampshire's targets."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from flows.config import SEEDS_DIR
from flows.demo.cases import APPLICABILITY, SyntheticCase
from flows.demo.tables import (
    HAMPSHIRE_TARGETS_FILE,
    METHODOLOGY_ID,
    QuestionTarget,
    hampshire_question_targets,
    read_csv,
    victim_answers,
)

DEFAULT_SEEDS_DIR = SEEDS_DIR


@dataclass(frozen=True)
class Question:
    question_id: str
    outcome_code: int  # the outcome of the question's criterion
    applies_to: Callable[[SyntheticCase], bool]


@dataclass(frozen=True)
class DemoCatalogue:
    questions: tuple[Question, ...]
    victim_question_ids: tuple[str, ...]
    hampshire_targets: Mapping[str, QuestionTarget]


def load_demo_catalogue(seeds_dir: Path | None = None) -> DemoCatalogue:
    """The scoring questions and victim questions from the seeds, with Hampshire's targets."""
    seeds = seeds_dir or DEFAULT_SEEDS_DIR
    criterion_outcome = {
        row["criterion_code"]: int(row["outcome_code"]) for row in read_csv(seeds / "methodology" / "criteria.csv")
    }
    questions = []
    for row in read_csv(seeds / "methodology" / "questions.csv"):
        if row["methodology_id"] != METHODOLOGY_ID:
            continue
        if row["applies_to"] not in APPLICABILITY:
            raise ValueError(
                f"question {row['question_id']}: the demo generator does not know which cases "
                f"'{row['applies_to']}' covers; add it to APPLICABILITY in flows/demo/cases.py"
            )
        questions.append(
            Question(row["question_id"], criterion_outcome[row["criterion_code"]], APPLICABILITY[row["applies_to"]])
        )
    targets = hampshire_question_targets()
    untargeted = [q.question_id for q in questions if q.question_id not in targets]
    if untargeted:
        raise ValueError(f"{HAMPSHIRE_TARGETS_FILE.name} has no Hampshire target for {', '.join(untargeted)}")
    victim_question_ids = tuple(row["question_id"] for row in read_csv(seeds / "code_lists" / "victim_questions.csv"))
    unknown = [qid for qid in victim_question_ids if qid not in victim_answers().answer_weights]
    if unknown:
        raise ValueError(f"the demo generator has no answer weights for victim questions {', '.join(unknown)}")
    return DemoCatalogue(tuple(questions), victim_question_ids, targets)
