"""An independent reference implementation of the scoring rules, straight from CONTRACT.md and the seeds.

Deliberately shares no code with the platform (not flows.scoring, not the dbt models): it reads
the landing CSVs and the seed CSVs and computes with fractions.Fraction.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from flows.config import SEEDS_DIR


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def question_counts(return_folder: Path) -> dict[str, tuple[int, int]]:
    """question_id -> (n_sufficient, n_relevant)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in _rows(return_folder / "answers.csv"):
        if row["answer"] in ("yes", "no"):
            counts[row["question_id"]][1] += 1
            counts[row["question_id"]][0] += row["answer"] == "yes"
        else:
            counts[row["question_id"]]  # an n/a-only question still exists, with no score
    return {q: (k, n) for q, (k, n) in counts.items()}


def outcome_scores(counts: dict[str, tuple[int, int]]) -> dict[int, Fraction | None]:
    by_outcome: dict[int, list[Fraction]] = defaultdict(list)
    outcomes = {int(r["outcome_code"]) for r in _rows(SEEDS_DIR / "methodology" / "outcomes.csv")}
    for row in _rows(SEEDS_DIR / "methodology" / "question_outcomes.csv"):
        k, n = counts.get(row["question_id"], (0, 0))
        if n:
            by_outcome[int(row["outcome_code"])].append(Fraction(k, n))
    return {o: (sum(by_outcome[o]) / len(by_outcome[o]) if by_outcome[o] else None) for o in outcomes}


def published_percentage(score: Fraction | None) -> int | None:
    if score is None:
        return None
    hundred = score * 100
    whole = hundred.numerator // hundred.denominator
    return whole + 1 if hundred - whole >= Fraction(1, 2) else whole


# --- The whole published rule, for every methodology (tests/property) --------------------------
# Written from the published rules (CONTRACT.md, the methodology seeds) only. Counts are
# {question_id: (n_sufficient, n_relevant)}; scores are Fractions, None when nothing is scored.

Counts = dict[str, tuple[int, int]]

Z_95 = 1.959963984540054
Z_998 = 3.090232306167813
MEAN_RULES = {"mean_of_questions", "mean_of_key_questions"}
LOWEST_RULES = {"lowest_key_question"}


@dataclass(frozen=True)
class Methodology:
    methodology_id: str
    catalogue_id: str
    score_rule: str
    rating_scale: str | None
    key_questions: frozenset[str]


@dataclass(frozen=True)
class Band:
    rating: str
    rating_points: int
    min_pct: int
    max_pct: int


@dataclass(frozen=True)
class Catalogue:
    question_criterion: dict[str, str]  # question_id -> criterion_code
    question_catalogue: dict[str, str]  # question_id -> catalogue (questions.csv methodology_id)
    outcome_members: dict[int, tuple[str, ...]]  # outcome -> questions counting toward it
    criterion_outcome: dict[str, int]
    outcomes: tuple[int, ...]
    methodologies: dict[str, Methodology]
    bands: dict[str, tuple[Band, ...]]  # rating_scale -> bands

    def questions_of(self, methodology_id: str) -> list[str]:
        catalogue = self.methodologies[methodology_id].catalogue_id
        return sorted(q for q, c in self.question_catalogue.items() if c == catalogue)

    def criteria_with_questions(self) -> list[str]:
        return sorted(set(self.question_criterion.values()))


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    seeds = SEEDS_DIR / "methodology"
    questions = _rows(seeds / "questions.csv")
    members: dict[int, list[str]] = defaultdict(list)
    for row in _rows(seeds / "question_outcomes.csv"):
        members[int(row["outcome_code"])].append(row["question_id"])
    keys: dict[str, set[str]] = defaultdict(set)
    for row in _rows(seeds / "key_questions.csv"):
        keys[row["methodology_id"]].add(row["question_id"])
    bands: dict[str, list[Band]] = defaultdict(list)
    for row in _rows(seeds / "rating_bands.csv"):
        bands[row["rating_scale"]].append(
            Band(row["rating"], int(row["rating_points"]), int(row["min_pct"]), int(row["max_pct"]))
        )
    methodologies = {
        row["methodology_id"]: Methodology(
            row["methodology_id"],
            row["catalogue_id"],
            row["score_rule"],
            row["rating_scale"] or None,
            frozenset(keys[row["methodology_id"]]),
        )
        for row in _rows(seeds / "methodologies.csv")
    }
    return Catalogue(
        question_criterion={r["question_id"]: r["criterion_code"] for r in questions},
        question_catalogue={r["question_id"]: r["methodology_id"] for r in questions},
        outcome_members={o: tuple(qs) for o, qs in members.items()},
        criterion_outcome={r["criterion_code"]: int(r["outcome_code"]) for r in _rows(seeds / "criteria.csv")},
        outcomes=tuple(sorted(int(r["outcome_code"]) for r in _rows(seeds / "outcomes.csv"))),
        methodologies=methodologies,
        bands={scale: tuple(b) for scale, b in bands.items()},
    )


def counts_of_answers(answers: list[tuple[str, str]], methodology_id: str) -> Counts:
    """(question_id, answer) pairs -> counts over every question of the methodology's catalogue."""
    counts = {q: (0, 0) for q in catalogue().questions_of(methodology_id)}
    for question_id, answer in answers:
        k, n = counts[question_id]
        counts[question_id] = (k + (answer == "yes"), n + (answer in ("yes", "no")))
    return counts


def pooled(many_counts: list[Counts]) -> Counts:
    """Each question's counts summed over several inspections."""
    total: dict[str, tuple[int, int]] = {}
    for counts in many_counts:
        for q, (k, n) in counts.items():
            k0, n0 = total.get(q, (0, 0))
            total[q] = (k0 + k, n0 + n)
    return total


def question_score(k: int, n: int) -> Fraction | None:
    return Fraction(k, n) if n else None


def wilson_interval(k: int, n: int) -> tuple[float, float] | None:
    """95% Wilson score interval of k/n in floating point; None when n = 0."""
    if n == 0:
        return None
    p, z = k / n, Z_95
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


def apply_rule(score_rule: str, scores: list[Fraction]) -> Fraction | None:
    """The methodology's statistic over the scored questions (unscored ones already left out)."""
    if not scores:
        return None
    if score_rule in MEAN_RULES:
        return mean(scores)
    if score_rule in LOWEST_RULES:
        return min(scores)
    raise ValueError(f"no reference for score rule {score_rule!r}")


def mean(values: list[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def scored(questions: list[str], counts: Counts) -> list[str]:
    """The questions among `questions` that have a score (at least one relevant case)."""
    return [q for q in questions if counts[q][1] > 0]


def outcome_questions(methodology_id: str, outcome: int) -> list[str]:
    """The questions that make the outcome's score under the methodology."""
    methodology = catalogue().methodologies[methodology_id]
    in_catalogue = set(catalogue().questions_of(methodology_id))
    members = [q for q in catalogue().outcome_members.get(outcome, ()) if q in in_catalogue]
    if methodology.score_rule == "mean_of_questions":
        return members
    return [q for q in members if q in methodology.key_questions]


def band(rating_scale: str | None, pct: int | None) -> Band | None:
    if rating_scale is None or pct is None:
        return None
    matches = [b for b in catalogue().bands.get(rating_scale, ()) if b.min_pct <= pct <= b.max_pct]
    assert len(matches) <= 1, f"overlapping bands for {pct}% in {rating_scale}"
    return matches[0] if matches else None


def rule_score(methodology_id: str, questions: list[str], counts: Counts) -> Fraction | None:
    rule = catalogue().methodologies[methodology_id].score_rule
    return apply_rule(rule, [Fraction(*counts[q]) for q in scored(questions, counts)])


@dataclass(frozen=True)
class OutcomeReference:
    score: Fraction | None
    score_pct: int | None
    n_questions: int
    rating: str | None
    rating_points: int | None
    score_by_criterion: Fraction | None
    score_by_criterion_pct: int | None
    score_pooled_cases: Fraction | None
    score_pooled_cases_pct: int | None
    n_sufficient_pooled: int
    n_relevant_pooled: int


def outcome_reference(methodology_id: str, outcome: int, counts: Counts) -> OutcomeReference:
    questions = outcome_questions(methodology_id, outcome)
    with_score = scored(questions, counts)
    score = rule_score(methodology_id, questions, counts)
    by_criterion = mean_of_criterion_means(with_score, counts)
    n_sufficient = sum(counts[q][0] for q in questions)
    n_relevant = sum(counts[q][1] for q in questions)
    pooled_cases = Fraction(n_sufficient, n_relevant) if n_relevant else None
    rated = band(catalogue().methodologies[methodology_id].rating_scale, published_percentage(score))
    return OutcomeReference(
        score=score,
        score_pct=published_percentage(score),
        n_questions=len(with_score),
        rating=rated.rating if rated else None,
        rating_points=rated.rating_points if rated else None,
        score_by_criterion=by_criterion,
        score_by_criterion_pct=published_percentage(by_criterion),
        score_pooled_cases=pooled_cases,
        score_pooled_cases_pct=published_percentage(pooled_cases),
        n_sufficient_pooled=n_sufficient,
        n_relevant_pooled=n_relevant,
    )


def mean_of_criterion_means(scored_questions: list[str], counts: Counts) -> Fraction | None:
    by_criterion: dict[str, list[Fraction]] = defaultdict(list)
    for q in scored_questions:
        by_criterion[catalogue().question_criterion[q]].append(Fraction(*counts[q]))
    return mean([mean(scores) for scores in by_criterion.values()])


@dataclass(frozen=True)
class CriterionReference:
    outcome_code: int
    score: Fraction | None
    score_pct: int | None
    n_questions: int
    rating_basis_pct: int | None
    rating: str | None


def criterion_reference(methodology_id: str, criterion: str, counts: Counts) -> CriterionReference:
    methodology = catalogue().methodologies[methodology_id]
    questions = [q for q in catalogue().questions_of(methodology_id) if catalogue().question_criterion[q] == criterion]
    with_score = scored(questions, counts)
    score = mean([Fraction(*counts[q]) for q in with_score])
    basis = None
    if methodology.rating_scale is not None:
        keys = [q for q in questions if q in methodology.key_questions]
        basis = published_percentage(rule_score(methodology_id, keys, counts))
    rated = band(methodology.rating_scale, basis)
    return CriterionReference(
        outcome_code=catalogue().criterion_outcome[criterion],
        score=score,
        score_pct=published_percentage(score),
        n_questions=len(with_score),
        rating_basis_pct=basis,
        rating=rated.rating if rated else None,
    )


@dataclass(frozen=True)
class ProgrammePlace:
    programme_position: int
    is_methodology_break: bool
    methodology_segment: int


def programme_places(groups: dict[str, tuple[object, str]]) -> dict[str, ProgrammePlace]:
    """groups: group_id -> (first fieldwork_start, methodology). Time order, then group_id."""
    places: dict[str, ProgrammePlace] = {}
    previous, segment = None, 0
    for position, group_id in enumerate(sorted(groups, key=lambda g: (groups[g][0], g)), start=1):
        methodology = groups[group_id][1]
        is_break = previous is not None and methodology != previous
        segment += 1 if methodology != previous else 0
        places[group_id] = ProgrammePlace(position, is_break, segment)
        previous = methodology
    return places
