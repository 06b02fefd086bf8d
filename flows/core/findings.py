"""What is wrong with a return, said so that its sender can fix it: file, row (or key) and rule.

A finding never carries the offending values: returns hold personal data, and validation
reports travel further (stderr, quarantine, Prefect artifacts) than the raw zone does. Nor does it
carry a header cell or a key the contract does not name: a sender who forgets the header row makes
the first row of data (case references) the header. Those are named by position instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_ROW_RANGES_SHOWN = 8


@dataclass(frozen=True)
class Finding:
    source: str  # "cases.csv", "inspection.yaml", "hampshire-2013.xlsx, sheet cases"
    rule: str  # what the contract requires, in words
    rule_id: str  # stable identifier, e.g. "cases.case_type.in_code_list"
    rows: tuple[int, ...] = ()  # spreadsheet row numbers: the header is row 1
    column: str | None = None  # a contract's column name, or column_position() of any other column
    key: str | None = None  # for key/value sources (inspection.yaml): a contract's key only
    detail: str | None = None  # extra context that is not row data (counts, expected headers)

    @property
    def location(self) -> str:
        parts = [self.source]
        if self.key:
            parts.append(f"key {self.key}")
        if self.rows:
            parts.append(describe_rows(self.rows))
        if self.column and not self.key:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def describe(self) -> str:
        text = f"{self.location}: {self.rule}"
        return f"{text} ({self.detail})" if self.detail else text


def column_position(position: int) -> str:
    """A column named by where it is, as a spreadsheet shows it: '3 (C)', '28 (AB)'."""
    letters, rest = "", position
    while rest:
        rest, digit = divmod(rest - 1, 26)
        letters = chr(ord("A") + digit) + letters
    return f"{position} ({letters})"


def describe_rows(rows: Iterable[int]) -> str:
    """'row 7', 'rows 7, 9-12 (5 rows)'; long lists are cut after a few ranges."""
    ordered = sorted(set(rows))
    ranges: list[tuple[int, int]] = []
    for row in ordered:
        if ranges and row == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], row)
        else:
            ranges.append((row, row))
    if len(ordered) == 1:
        return f"row {ordered[0]}"
    shown = [f"{a}" if a == b else f"{a}-{b}" for a, b in ranges[:MAX_ROW_RANGES_SHOWN]]
    more = ", ..." if len(ranges) > MAX_ROW_RANGES_SHOWN else ""
    return f"rows {', '.join(shown)}{more} ({len(ordered)} rows)"


@dataclass(frozen=True)
class SuiteOutcome:
    """One GX suite run over one table: how many expectations it evaluated and how many failed."""

    suite: str
    source: str
    evaluated: int
    failed: int


@dataclass
class ReturnRejected(Exception):
    """The return breaks the landing contract; nothing of it may be published."""

    return_name: str
    findings: list[Finding] = field(default_factory=list)

    def __str__(self) -> str:
        return summarise(self.return_name, self.findings)


def summarise(return_name: str, findings: list[Finding], limit: int = 20) -> str:
    noun = "problem" if len(findings) == 1 else "problems"
    lines = [f"{return_name}: rejected, {len(findings)} {noun}:"]
    lines += [f"  - {f.describe()}" for f in findings[:limit]]
    if len(findings) > limit:
        lines.append(f"  ... and {len(findings) - limit} more (see the validation report)")
    return "\n".join(lines)
