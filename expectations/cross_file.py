"""Checks that span files or returns, where no single-table expectation says enough.

Completeness is checked here rather than as a row count so that the sender is told which
cases lack which answers. Programme checks compare the return with what is already published.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from flows.core.findings import Finding

MAX_QUESTIONS_NAMED = 5


def missing_answers(cases: pd.DataFrame, answers: pd.DataFrame, question_ids: tuple[str, ...], cases_source: str) -> list[Finding]:
    """Every case must answer every scoring question (n/a where it does not apply)."""
    answered = answers.groupby("case_ref")["question_id"].agg(set).to_dict()
    gaps: dict[tuple[str, ...], list[int]] = {}
    for row, case_ref in cases["case_ref"].items():
        if case_ref is None:
            continue
        missing = tuple(q for q in question_ids if q not in answered.get(case_ref, set()))
        if missing:
            gaps.setdefault(missing, []).append(row)
    findings = []
    for missing, rows in gaps.items():
        named = ", ".join(missing[:MAX_QUESTIONS_NAMED]) + (", ..." if len(missing) > MAX_QUESTIONS_NAMED else "")
        findings.append(
            Finding(
                source=cases_source,
                rows=tuple(rows),
                rule_id="answers.complete",
                rule="every case must answer every scoring question in answers.csv (n/a where it does not apply)",
                detail=f"no answer to {len(missing)} question(s): {named}",
            )
        )
    return findings


@dataclass(frozen=True)
class PublishedInspection:
    inspection_id: str
    group_id: str
    group_theme: str
    position_in_group: int
    methodology: str


def conflicts_with_programme(
    inspection_id: str,
    group_id: str,
    group_theme: str,
    position_in_group: int,
    methodology: str,
    published: list[PublishedInspection],
    source: str,
) -> list[Finding]:
    """A group has one inspection per position (the range is checked by the inspection suite), one theme and one methodology.

    One methodology per group because the group's pooled score and the comparisons of each area
    with the rest of its group are only meaningful between scores computed the same way.
    """
    others = [p for p in published if p.group_id == group_id and p.inspection_id != inspection_id]
    findings = []
    taken = [p.inspection_id for p in others if p.position_in_group == position_in_group]
    if taken:
        findings.append(
            Finding(
                source=source,
                key="position_in_group",
                rule_id="programme.position_taken",
                rule=f"position {position_in_group} of group {group_id} is already held by {taken[0]}",
            )
        )
    # what every inspection of a group shares: (key in inspection.yaml, this return's value, rule id, wording)
    shared = (
        ("group_theme", group_theme, "programme.group_theme",
         "group {group} already has the theme '{value}'; every inspection of a group shares it"),
        ("methodology", methodology, "programme.group_methodology",
         "group {group} is scored under '{value}'; every inspection of a group uses one methodology"),
    )
    for key, value, rule_id, wording in shared:
        theirs = sorted({getattr(p, key) for p in others} - {value})
        if theirs:
            findings.append(
                Finding(source=source, key=key, rule_id=rule_id, rule=wording.format(group=group_id, value=theirs[0]))
            )
    return findings
