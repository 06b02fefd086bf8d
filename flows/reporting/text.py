"""The sentences the aggregate report writes from the data: strongest and weakest areas of
practice, the spread between areas, areas outside the funnel limits, what was withheld.

Pure functions of plain rows, so every sentence is unit-tested against hand-made data; the
report never carries a sentence written by hand about a particular group. Every figure in a
sentence is written by `flows.core.figures`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flows.core import figures
from flows.core.figures import count, published_percent

# A question needs this many relevant cases across the group before it is called a strength or
# a weakness: below it one or two cases swing the percentage.
MIN_RELEVANT_FOR_FINDING = 30
N_FINDINGS = 3
SUPPRESSION_REASONS = {
    "small_count": "a count of 1 to {t_minus_1} respondents",
    "small_denominator": "a question answered by fewer than {t} respondents",
    "secondary": "a count withheld so that another withheld count cannot be worked out by subtraction",
}


@dataclass(frozen=True)
class GroupQuestion:
    """One scoring question across the group: its pooled score and each area's."""

    question_id: str
    question_text: str
    criterion_code: str
    criterion_title: str
    score_pct: int | None  # the group's pooled whole-number percentage
    n_sufficient: int
    n_relevant: int
    area_scores: Mapping[str, int | None]  # area -> its whole-number percentage (None: no relevant case)


@dataclass(frozen=True)
class Finding:
    question_id: str
    text: str


def code_order(code: str) -> tuple:
    """A criterion code or question number in its natural order: 2.10 after 2.9."""
    return tuple(int(part) if part.isdigit() else part for part in code.split("."))


def _question_order(question_id: str) -> tuple:
    """q2.10.1 after q2.9.1: compare the numeric parts as numbers."""
    return code_order(question_id.lstrip("q"))


def _range_clause(question: GroupQuestion) -> str:
    scored = sorted(((pct, area) for area, pct in question.area_scores.items() if pct is not None), key=lambda item: (item[0], item[1]))
    if len(scored) < 2:
        return ""
    (low, low_area), (high, high_area) = scored[0], scored[-1]
    if low == high:
        return f"; every area {published_percent(low)}"
    return f"; from {published_percent(low)} in {low_area} to {published_percent(high)} in {high_area}"


def describe_question(question: GroupQuestion) -> str:
    return (
        f"{question.question_text.rstrip('?.')} ({question.question_id}, criterion {question.criterion_code} "
        f"{question.criterion_title}): {published_percent(question.score_pct)} of {count(question.n_relevant)} relevant cases "
        "across the group"
        f"{_range_clause(question)}."
    )


def strongest_and_weakest(
    questions: Sequence[GroupQuestion], n: int = N_FINDINGS, min_relevant: int = MIN_RELEVANT_FOR_FINDING
) -> tuple[list[Finding], list[Finding]]:
    """The n questions with the highest and the lowest pooled scores, among those with at least
    `min_relevant` relevant cases. Ties go to the earlier question; a question is never both."""
    eligible = [q for q in questions if q.score_pct is not None and q.n_relevant >= min_relevant]
    ranked = sorted(eligible, key=lambda q: (-q.score_pct, _question_order(q.question_id)))
    strongest = ranked[:n]
    chosen = {q.question_id for q in strongest}
    weakest = [q for q in sorted(eligible, key=lambda q: (q.score_pct, _question_order(q.question_id))) if q.question_id not in chosen][:n]
    return ([Finding(q.question_id, describe_question(q)) for q in strongest], [Finding(q.question_id, describe_question(q)) for q in weakest])


def excluded_from_findings(questions: Sequence[GroupQuestion], min_relevant: int = MIN_RELEVANT_FOR_FINDING) -> str:
    small = sorted((q.question_id for q in questions if q.score_pct is not None and q.n_relevant < min_relevant), key=_question_order)
    if not small:
        return ""
    listed = ", ".join(small)
    return (
        f"{count(len(small))} question{'s' if len(small) != 1 else ''} with fewer than {count(min_relevant)} relevant cases across the group "
        f"{'are' if len(small) != 1 else 'is'} not ranked: {listed}."
    )


def widest_variation(questions: Sequence[GroupQuestion], min_relevant: int = MIN_RELEVANT_FOR_FINDING) -> str:
    """The question on which the group's areas differed most (highest minus lowest area score)."""
    spreads = []
    for q in questions:
        scored = [pct for pct in q.area_scores.values() if pct is not None]
        if q.n_relevant >= min_relevant and len(scored) >= 2:
            spreads.append((max(scored) - min(scored), q))
    if not spreads:
        return ""
    spread, question = min(spreads, key=lambda item: (-item[0], _question_order(item[1].question_id)))
    if spread == 0:
        return "Every area scored the same on every ranked question."
    return (
        f"The areas differed most on {question.question_id} ({question.question_text.rstrip('?.')}): "
        f"{figures.number(spread)} percentage points apart{_range_clause(question)}."
    )


def outcome_overview(outcomes: Sequence[tuple[str, int | None]]) -> str:
    """(outcome name, pooled whole-number percentage) -> which outcome the group did best and worst on."""
    scored = [(pct, name) for name, pct in outcomes if pct is not None]
    if not scored:
        return "No outcome has a score yet."
    if len(scored) == 1:
        return f"{scored[0][1]}: {published_percent(scored[0][0])} across the group."
    best = max(scored, key=lambda item: item[0])
    worst = min(scored, key=lambda item: item[0])
    if best[0] == worst[0]:
        return f"Every outcome scored {published_percent(best[0])} across the group."
    best_names = " and ".join(name for pct, name in scored if pct == best[0])
    worst_names = " and ".join(name for pct, name in scored if pct == worst[0])
    return (
        f"Across the group, work was strongest on {best_names} ({published_percent(best[0])} judged done well enough, "
        f"cases pooled) and weakest on {worst_names} ({published_percent(worst[0])})."
    )


@dataclass(frozen=True)
class Comparison:
    area: str
    outcome_name: str
    score_pct: int | None
    rest_of_group_pct: int | None
    funnel_position: str | None  # as fct_area_group_comparisons names it


def funnel_findings(comparisons: Sequence[Comparison]) -> list[str]:
    """One sentence per area and outcome outside the 95% limits; one sentence when none is."""
    outside = [c for c in comparisons if c.funnel_position and c.funnel_position != "within limits"]
    if not [c for c in comparisons if c.funnel_position]:
        return ["No area can be compared with the rest of its group yet (the first area of a group has no comparison)."]
    if not outside:
        return ["No area was outside the 95% funnel limits around the rest of its group on any outcome."]
    sentences = []
    for c in outside:  # in the order given: by outcome, then area
        direction = "above" if c.funnel_position.startswith("above") else "below"
        limit = "99.8%" if "99.8" in c.funnel_position else "95%"
        strength = "significantly " if limit == "99.8%" else ""
        sentences.append(
            f"{c.area} scored {published_percent(c.score_pct)} on {c.outcome_name}, {strength}{direction} the rest of its group "
            f"({published_percent(c.rest_of_group_pct)}): outside the {limit} limit."
        )
    return sentences


def funnel_summary(comparisons: Sequence[Comparison]) -> str:
    """How many area scores lie outside the limits, for the report's summary."""
    compared = [c for c in comparisons if c.funnel_position]
    if not compared:
        return "No area can be compared with the rest of its group yet."
    outside = [c for c in compared if c.funnel_position != "within limits"]
    far = [c for c in outside if "99.8" in c.funnel_position]
    if not outside:
        return f"All {count(len(compared))} area outcome scores lie within the 95% funnel limits around the rest of their group."
    areas = sorted({c.area for c in outside})
    return (
        f"{count(len(outside))} of {count(len(compared))} area outcome scores lie outside the 95% funnel limits around the rest "
        f"of their group ({count(len(far))} outside the 99.8% limits), in {count(len(areas))} area{'s' if len(areas) != 1 else ''}: "
        f"{', '.join(areas)}."
    )


def suppression_summary(source: str, withheld: Mapping[str, int], n_cells: int, threshold: int) -> str:
    """What disclosure control withheld from one source, by reason, never which counts."""
    if n_cells == 0:
        return f"{source}: nothing published for these areas."
    total = sum(withheld.values())
    if total == 0:
        return f"{source}: all {count(n_cells)} cells published; none fell under the threshold of {count(threshold)} respondents."
    parts = []
    for reason in ("small_count", "small_denominator", "secondary"):
        if withheld.get(reason):
            why = SUPPRESSION_REASONS[reason].format(t=count(threshold), t_minus_1=count(threshold - 1))
            parts.append(f"{count(withheld[reason])} for {why}")
    return f"{source}: {count(total)} of {count(n_cells)} cells withheld ({'; '.join(parts)})."
