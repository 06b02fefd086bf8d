"""Run the GX suites of `expectations/` over an input's tables and turn results into findings.

GX runs on its pandas path (works with every pin here, no DuckDB lock involved). Results are
reduced to rule, file, column and row numbers at once: GX's own result objects can carry row
values, so they are never stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from flows.core.findings import Finding, SuiteOutcome, column_position
from flows.sources.base import Table
from flows.sources.files import KeyValueTable

NO_DERIVED: Mapping[str, str] = {}


@dataclass
class ValidationResult:
    findings: list[Finding]
    suites: list[SuiteOutcome]

    @property
    def ok(self) -> bool:
        return not self.findings

    def run(self, table: Table, suite, key_value: bool = False, derived: Mapping[str, str] = NO_DERIVED) -> bool:
        """Run one suite, keep its findings and outcome; True when it found nothing.

        derived: columns the reader added (a parsed copy of a value, say) -> the sender's column
        they come from, which findings name instead."""
        found, outcome = run_suite(table, suite, key_value, derived)
        self.findings.extend(found)
        self.suites.append(outcome)
        return not found

    def run_header(self, header: Table, suite) -> None:
        """inspection.yaml or survey.yaml: `synthetic` is optional, absent means not synthetic."""
        if "synthetic" not in header.frame.columns:
            header.frame["synthetic"] = None
        self.run(header, suite, key_value=True)


@lru_cache(maxsize=1)
def _gx():
    """One ephemeral GX context per process: creating it per return would waste ~10 ms, importing GX ~2-5 s."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context_ = gx.get_context(mode="ephemeral")
    context_.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context_, context_.data_sources.add_pandas("landing")


def _batch(table: str, frame: pd.DataFrame):
    _, source = _gx()
    try:
        asset = source.get_asset(table)
    except LookupError:
        asset = source.add_dataframe_asset(table)
    try:
        definition = asset.get_batch_definition("whole")
    except (LookupError, KeyError):
        definition = asset.add_batch_definition_whole_dataframe("whole")
    return definition.get_batch(batch_parameters={"dataframe": frame})


def run_suite(table: Table, suite, key_value: bool = False, derived: Mapping[str, str] = NO_DERIVED
              ) -> tuple[list[Finding], SuiteOutcome]:
    """Validate one table; findings name rows (or keys, for inspection.yaml), never values.

    A first pass asks GX only whether each expectation holds, which costs it half as much; the
    rows that break a rule are asked for only when one does (most inputs break none)."""
    batch = _batch(table.name, table.frame)
    result = batch.validate(suite, result_format={"result_format": "BOOLEAN_ONLY"})
    if not result.success:
        result = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    present = set(table.frame.columns)
    findings: list[Finding] = []
    for outcome in result.results:
        config = outcome.expectation_config
        kwargs = config.kwargs
        rule_id = (config.meta or {}).get("rule_id", config.type)
        rule_text = config.description or config.type
        if outcome.success:
            continue
        if config.type == "expect_table_columns_to_match_set":
            findings += _column_findings(table, list(kwargs["column_set"]), key_value, derived)
            continue
        columns = [kwargs["column"]] if kwargs.get("column") else list(kwargs.get("column_list") or [])
        if any(name not in present for name in [*columns, *_condition_columns(kwargs.get("row_condition"))]):
            continue  # a column it reads is missing: the column rule reports it, once
        column = " + ".join(derived.get(name, name) for name in columns)
        if _raised_exception(outcome.exception_info):
            # not the exception's text: it may quote the values it choked on
            raise RuntimeError(f"suite {suite.name}: {config.type} on {column or 'the table'} could not run")
        # A row is named once, however many of its values (ticked options) break the rule.
        rows = tuple(dict.fromkeys(int(i) for i in outcome.result.get("unexpected_index_list") or ()))
        if key_value:
            findings.append(Finding(source=table.source, key=column, rows=_line_of(table, column), rule=rule_text,
                                    rule_id=rule_id))
        else:
            detail = None
            if config.type == "expect_table_row_count_to_be_between":
                detail = f"it has {outcome.result.get('observed_value')}"
            findings.append(
                Finding(source=table.source, column=column or None, rows=rows, rule=rule_text, rule_id=rule_id, detail=detail)
            )
    failed = sum(not outcome.success for outcome in result.results)
    return findings, SuiteOutcome(suite.name, table.source, len(result.results), failed)


def _raised_exception(info: dict | None) -> bool:
    """GX reports an expectation that could not run either at the top level of exception_info or
    keyed by metric (GX 1.24)."""
    if not info:
        return False
    if info.get("raised_exception"):
        return True
    return any(isinstance(value, dict) and value.get("raised_exception") for value in info.values())


def _condition_columns(condition: object) -> list[str]:
    """The columns a row condition reads (GX gives it as a dict, conditions nested in lists)."""
    if isinstance(condition, list):
        return [name for part in condition for name in _condition_columns(part)]
    if not isinstance(condition, dict):
        return []
    column = condition.get("column")
    own = [column["name"]] if isinstance(column, dict) and "name" in column else []
    return own + [name for key, part in condition.items() if key != "column" for name in _condition_columns(part)]


def _line_of(table: Table, key: str) -> tuple[int, ...]:
    """Where a key/value file holds `key` (its line, or its sheet row), if it does."""
    lines = table.lines if isinstance(table, KeyValueTable) else {}
    return (lines[key],) if key in lines else ()


def _column_findings(table: Table, expected: list[str], key_value: bool, derived: Mapping[str, str]) -> list[Finding]:
    """Missing columns (or keys) by name, since the contract names them; unexpected ones by their
    position (or line): their header cell is the sender's text, a case reference when the header
    row was forgotten."""
    expected = [c for c in expected if c not in derived]  # columns the reader derived are ours, not the sender's
    present = [c for c in table.frame.columns if c not in derived]
    what = "key" if key_value else "column"
    findings = [
        Finding(
            source=table.source,
            rows=() if key_value else (1,),
            key=name if key_value else None,
            column=None if key_value else name,
            rule_id=f"{table.name}.columns.missing",
            rule=f"required {what} is missing",
        )
        for name in expected
        if name not in present
    ]
    unexpected = f"not a {what} of the landing contract (expected: {', '.join(expected)})"
    for position, name in enumerate(table.frame.columns, start=1):
        if name in derived or name in expected:
            continue
        rows, column = (_line_of(table, name), None) if key_value else ((1,), column_position(position))
        findings.append(Finding(source=table.source, rows=rows, column=column, rule_id=f"{table.name}.columns.unexpected",
                                rule=unexpected))
    return findings
