"""Inspection x outcome: how uncertain the outcome score is, by resampling cases.

- ci_low, ci_high, score_se: the inspection's own cases resampled with replacement (case-level
  bootstrap), every question score and the outcome score recomputed under the methodology's rule
  in each resample; 2.5th and 97.5th percentiles and the standard deviation. Under
  lowest_key_question, the resampled score is that of the key question published as the lowest.
- null_score_se: the spread an area's score would have if its cases were like the rest of its
  group's: as many cases as the area has, drawn from the other areas' cases. The funnel limits
  of fct_area_group_comparisons are built on it.

Seeds derive from the inspection id, so every build gives the same figures and an inspection's
interval does not move when another is published. The arithmetic is flows/core/uncertainty.py.

Resampling is the costliest step of a build, and it would grow with every inspection ever
published. So each inspection's rows carry a content key: a hash of everything they depend on
(its return, the returns of the rest of its group, its methodology's scoring questions and rule,
the resamples, the seed and the code of flows/core/uncertainty.py). A build copies the rows of
every key it already holds and resamples only the inspections whose key is new: a publication
resamples the inspection that arrived and the rest of its group, whatever the history.
"""

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from flows.core import uncertainty
from flows.core.uncertainty import INTERVAL_RULES, bootstrap_outcome_intervals, case_matrices, seed_for

COLUMNS = ["inspection_id", "outcome_code", "ci_low", "ci_high", "score_se", "ci_resamples", "null_score_se", "null_resamples",
           "content_key"]
CODE_DIGEST = hashlib.sha256(Path(uncertainty.__file__).read_bytes()).hexdigest()


def content_key(*parts) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(str(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def previous_rows(dbt, session) -> dict[str, list[tuple]]:
    """The rows the last build made, by content key (none on a first build)."""
    this = dbt.this
    exists = session.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?", [this.schema, this.identifier]
    ).fetchone()[0]
    if not exists:
        return {}
    columns = [row[0] for row in session.execute(f"describe {this}").fetchall()]
    if "content_key" not in columns:
        return {}  # made by a version without the cache: resample everything once
    previous: dict[str, list[tuple]] = {}
    for row in session.execute(f"select {', '.join(COLUMNS)} from {this} order by inspection_id, outcome_code").fetchall():
        previous.setdefault(row[-1], []).append(tuple(row))
    return previous


def model(dbt, session):
    dbt.config(materialized="table")
    resamples = int(dbt.config.get("bootstrap_resamples"))
    base_seed = int(dbt.config.get("bootstrap_seed"))

    inspections = dbt.ref("int_inspection_methodologies").df().sort_values("inspection_id")
    answers = dbt.ref("int_case_answers").df()
    membership = dbt.ref("int_methodology_outcome_questions").df()
    membership = membership[membership["counts_toward_score"]]

    previous = previous_rows(dbt, session)
    returns = dict(zip(inspections["inspection_id"], inspections["return_sha256"], strict=True))
    questions_of = {
        methodology: content_key(*sorted(f"{o}|{q}" for o, q in zip(rows["outcome_code"], rows["question_id"], strict=True)))
        for methodology, rows in membership.groupby("methodology_id")
    }

    rows = []
    for inspection in inspections.itertuples():
        rest_of_group = sorted(
            f"{other}|{returns[other]}" for other in inspections.loc[inspections["group_id"] == inspection.group_id, "inspection_id"]
            if other != inspection.inspection_id
        )
        key = content_key(inspection.inspection_id, inspection.return_sha256, inspection.methodology_id, inspection.score_rule,
                          questions_of.get(inspection.methodology_id), resamples, base_seed, CODE_DIGEST, *rest_of_group)
        if key in previous:
            rows.extend(previous[key])
            continue
        scored = membership[membership["methodology_id"] == inspection.methodology_id]
        outcomes = sorted(int(o) for o in scored["outcome_code"].unique())
        questions = sorted(scored["question_id"].unique())
        own = answers[answers["inspection_id"] == inspection.inspection_id]
        if own.empty or not questions:
            continue
        # outcomes x questions: which questions make each outcome's score
        member = np.array([np.isin(questions, scored.loc[scored["outcome_code"] == o, "question_id"].to_numpy()) for o in outcomes])
        interval_rule, null_rule = INTERVAL_RULES[inspection.score_rule]

        cases, sufficient, relevant = case_matrices(own, questions)
        intervals = bootstrap_outcome_intervals(
            sufficient, relevant, member, interval_rule, seed_for(inspection.inspection_id, base_seed), resamples
        )

        rest_ids = inspections.loc[
            (inspections["group_id"] == inspection.group_id) & (inspections["inspection_id"] != inspection.inspection_id),
            "inspection_id",
        ]
        rest = answers[answers["inspection_id"].isin(rest_ids)]
        if rest.empty:
            nulls = [None] * len(outcomes)
        else:
            _, rest_sufficient, rest_relevant = case_matrices(rest, questions)
            nulls = bootstrap_outcome_intervals(
                rest_sufficient,
                rest_relevant,
                member,
                null_rule,
                seed_for(f"{inspection.inspection_id}|rest-of-group", base_seed),
                resamples,
                n_draws=len(cases),
            )

        for outcome_code, interval, null in zip(outcomes, intervals, nulls, strict=False):
            rows.append(
                (
                    inspection.inspection_id,
                    outcome_code,
                    None if interval is None else interval.low,
                    None if interval is None else interval.high,
                    None if interval is None else interval.standard_error,
                    0 if interval is None else interval.n_resamples,
                    None if null is None else null.standard_error,
                    0 if null is None else null.n_resamples,
                    key,
                )
            )
    return pd.DataFrame(rows, columns=COLUMNS).astype(
        {
            "outcome_code": "int32",
            "ci_low": "float64",
            "ci_high": "float64",
            "score_se": "float64",
            "ci_resamples": "int64",
            "null_score_se": "float64",
            "null_resamples": "int64",
        }
    )
