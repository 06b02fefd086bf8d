"""Disclosure control checked independently of the dbt test that enforces it: the rule over rows
as a reader gets them, and survey deliveries of small areas to give it work."""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from pathlib import Path

import yaml

from flows.config import SETTINGS
from flows.core.catalogue import load_catalogue

THRESHOLD = int(SETTINGS["IAOW_DISCLOSURE_THRESHOLD"].default)


def disclosure_breaches(rows: list[dict], unit_columns: tuple[str, ...]) -> list[str]:
    """Every way a published row breaks the rule: small published counts or denominators, values
    shown for withheld cells, a question with exactly one withheld option."""
    problems = []
    withheld_per_question: dict[tuple, int] = defaultdict(int)
    for row in rows:
        unit = tuple(row[c] for c in unit_columns) + (row["question_id"],)
        withheld_per_question[unit] += row["suppressed"]
        where = f"{unit} {row['answer_option']}"
        if row["suppressed"]:
            if row["n_option"] is not None or row["share"] is not None:
                problems.append(f"{where}: withheld but shows a value")
            continue
        if row["n_respondents"] is None or row["n_respondents"] < THRESHOLD:
            problems.append(f"{where}: share published over fewer than {THRESHOLD} respondents")
        if 0 < row["n_option"] < THRESHOLD:
            problems.append(f"{where}: count {row['n_option']} published")
    for unit, withheld in withheld_per_question.items():
        if withheld == 1:
            problems.append(f"{unit}: exactly one withheld option, recoverable from the total")
    for row in rows:
        if row["n_respondents"] is not None and 0 < row["n_respondents"] < THRESHOLD:
            problems.append(f"{row}: respondent count below the threshold published")
    return problems


def write_delivery(folder: Path, survey_id: str, rows: list[list[str]], survey_year: int = 2099) -> Path:
    folder.mkdir(parents=True)
    (folder / "survey.yaml").write_text(yaml.safe_dump({"survey_id": survey_id, "survey_year": survey_year, "synthetic": True}))
    questions = [q.question_id for q in load_catalogue().survey_questions]
    with open(folder / "responses.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["response_id", "area", *questions])
        writer.writerows(rows)
    (folder / "_READY").write_text("")
    return folder


def small_area_responses(seed: int) -> list[list[str]]:
    """Every probation area, 1-25 responses each, answers skewed so that most options are rare."""
    rng = random.Random(seed)
    rows = []
    for area in load_catalogue().probation_areas:
        for _ in range(rng.randint(1, 25)):
            cells = []
            for question in load_catalogue().survey_questions:
                options = question.answerable_options
                if question.answer_type == "multi":
                    cells.append(";".join(o for o in options if rng.random() < 0.15))
                else:
                    weights = [0.8] + [0.2 / len(options)] * (len(options) - 1)
                    cells.append("" if rng.random() < 0.05 else rng.choices(options, weights)[0])
            rows.append([f"R{len(rows) + 1:05d}", area, *cells])
    return rows
