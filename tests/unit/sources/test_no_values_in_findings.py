"""No value ever leaves a rejection: returns and deliveries broken every way a sender breaks them,
every cell, header cell, YAML key and value (and sheet key) of them a unique marker, are read,
pseudonymised and validated as the pipeline does; no finding may hold a marker, in any field or
in its wording. A header the sender forgot makes the first row of data (case references) the
header, so even a header cell is named by its position only."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

from flows.core.catalogue import load_catalogue
from flows.core.findings import Finding, ReturnRejected, summarise
from flows.sources.inspections.kind import KIND as INSPECTIONS
from flows.sources.surveys.kind import KIND as SURVEYS
from flows.storage.warehouse import EmptyWarehouse
from tests.factories import inspection_return, survey_delivery
from tests.return_edits import workbook_from_folder

MARKER = "SECRET-MARKER"
KEY = b"test pseudonym key"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


_numbers = itertools.count(1)


def marker() -> str:
    return f"{MARKER}-{next(_numbers)}"


def rewrite_cells(path: Path, change: Callable[[int, int, str], str], extra_column: bool = False) -> None:
    """Every cell of a CSV file through change(row, column, text) (row 0 is the header); with
    `extra_column`, one more column, header and values markers."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    changed = [[change(r, c, text) for c, text in enumerate(row)] + ([marker()] if extra_column else []) for r, row in enumerate(rows)]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(changed)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def marked_yaml(keys: list[str] | None, extra_keys: int = 2) -> str:
    """A key/value file: the keys given (markers when None) with marker values, plus marker keys."""
    keys = [marker() for _ in range(8)] if keys is None else keys
    return "".join(f"{key}: {marker()}\n" for key in [*keys, *(marker() for _ in range(extra_keys))])


def headerless(folder: Path, header_file: str) -> Path:
    """Every cell a marker, header included (as if the sender sent data without its header)."""
    for table in folder.glob("*.csv"):
        rewrite_cells(table, lambda r, c, text: marker())
    (folder / header_file).write_text(marked_yaml(None))
    return folder


def bad_values(folder: Path, header_file: str, keys: list[str]) -> Path:
    """The contract's header and keys, every value a marker, and an extra column and keys."""
    for table in folder.glob("*.csv"):
        rewrite_cells(table, lambda r, c, text: text if r == 0 else marker(), extra_column=True)
    (folder / header_file).write_text(marked_yaml(keys))
    return folder


def bad_tables_valid_header(folder: Path, header_file: str) -> Path:
    """A sound key/value file but for an extra key (so that every suite runs), every table's
    values markers, and an extra column."""
    for table in folder.glob("*.csv"):
        rewrite_cells(table, lambda r, c, text: text if r == 0 else marker(), extra_column=True)
    with open(folder / header_file, "a") as handle:
        handle.write(f"{marker()}: {marker()}\n")
    return folder


def as_workbook(folder: Path) -> Path:
    (folder.parent / "books").mkdir(exist_ok=True)
    return workbook_from_folder(folder, folder.parent / "books" / f"{folder.name}.xlsx")


def all_findings(kind, path: Path, catalogue) -> list[Finding]:
    """What the pipeline finds: reading's rejection, or the findings of validating what was read."""
    try:
        parsed = kind.read(kind.locate(path))
    except ReturnRejected as rejection:
        assert MARKER not in str(rejection)
        return rejection.findings
    kind.pseudonymise(parsed, KEY)
    result = kind.validate(parsed, catalogue, EmptyWarehouse())
    assert all(MARKER not in f"{outcome}" for outcome in result.suites)
    return result.findings


def assert_no_marker(findings: list[Finding]) -> None:
    assert findings, "the input must be rejected"
    for finding in findings:
        fields = [finding.describe(), finding.source, finding.rule, finding.rule_id, finding.detail or "",
                  finding.column or "", finding.key or "", str(finding.rows)]
        assert not any(MARKER in text for text in fields), finding
    assert MARKER not in summarise("x", findings, limit=len(findings))


INSPECTION_KEYS = ["inspection_id", "area", "group_id", "group_theme", "position_in_group", "fieldwork_start", "methodology",
                   "synthetic"]
INSPECTION_BREAKS = {
    "headerless": lambda folder: headerless(folder, "inspection.yaml"),
    "bad-values": lambda folder: bad_values(folder, "inspection.yaml", INSPECTION_KEYS),
    "bad-tables": lambda folder: bad_tables_valid_header(folder, "inspection.yaml"),
}


@pytest.mark.parametrize("layout", ["folder", "workbook"])
@pytest.mark.parametrize("name", list(INSPECTION_BREAKS))
def test_no_value_of_a_broken_return_is_in_any_finding(tmp_path, catalogue, name, layout):
    folder = INSPECTION_BREAKS[name](inspection_return(tmp_path, "testshire-2013"))
    path = folder if layout == "folder" else as_workbook(folder)
    findings = all_findings(INSPECTIONS, path, catalogue)
    assert_no_marker(findings)
    unexpected = [f for f in findings if f.rule_id.endswith(".columns.unexpected")]
    assert unexpected and all(f.key is None and f.rows for f in unexpected)


SURVEY_BREAKS = {
    "headerless": lambda folder: headerless(folder, "survey.yaml"),
    "bad-values": lambda folder: bad_values(folder, "survey.yaml", ["survey_id", "survey_year", "synthetic"]),
    "bad-tables": lambda folder: bad_tables_valid_header(folder, "survey.yaml"),
}


@pytest.mark.parametrize("name", list(SURVEY_BREAKS))
def test_no_value_of_a_broken_survey_delivery_is_in_any_finding(tmp_path, catalogue, name):
    folder = SURVEY_BREAKS[name](survey_delivery(tmp_path))
    assert_no_marker(all_findings(SURVEYS, folder, catalogue))


def with_text(file: str, text: Callable[[], str]):
    def mutate(folder: Path) -> Path:
        (folder / file).write_text(text(), encoding="utf-8")
        return folder
    return mutate


def duplicate_marker_header(folder: Path) -> Path:
    name = marker()
    rewrite_cells(folder / "cases.csv", lambda r, c, text: name if r == 0 and c in (1, 3) else marker())
    return folder


def ragged_marker_row(folder: Path) -> Path:
    with open(folder / "cases.csv", "a") as handle:
        handle.write(",".join(marker() for _ in range(9)) + "\n")
    return folder


def long_marker_cell(folder: Path) -> Path:
    rewrite_cells(folder / "answers.csv", lambda r, c, text: marker() * (700 if (r, c) == (3, 1) else 1))
    return folder


def broken_quote(folder: Path) -> Path:
    with open(folder / "answers.csv", "a") as handle:
        handle.write(f'{marker()},"{marker()}"{marker()},x\n')
    return folder


def cp1252_marker(folder: Path) -> Path:
    (folder / "cases.csv").write_bytes(f"case_ref\n{marker()}\x81{marker()}\n".encode("latin-1"))
    return folder


STRUCTURAL = {
    "yaml-list-under-a-marker-key": with_text("inspection.yaml", lambda: f"{marker()}: [{marker()}, {marker()}]\n"),
    "yaml-mapping-key": with_text("inspection.yaml", lambda: f"? [{marker()}]\n: {marker()}\n"),
    "yaml-duplicate-marker-key": with_text("inspection.yaml", lambda: (lambda k: f"{k}: {marker()}\n{k}: {marker()}\n")(marker())),
    "yaml-marker-anchor-and-tag": with_text("inspection.yaml", lambda: f"a: &{marker()} x\nb: !{marker()} y\n"),
    "yaml-syntax-error": with_text("inspection.yaml", lambda: f"{marker()}: [{marker()}\n"),
    "yaml-documents": with_text("inspection.yaml", lambda: f"{marker()}: a\n---\n{marker()}: b\n"),
    "yaml-scalar": with_text("inspection.yaml", lambda: f"{marker()}\n"),
    "duplicate-header": duplicate_marker_header,
    "ragged-row": ragged_marker_row,
    "long-cell": long_marker_cell,
    "broken-quote": broken_quote,
    "not-utf8": cp1252_marker,
}


@pytest.mark.parametrize("name", list(STRUCTURAL))
def test_no_value_of_a_structurally_broken_return_is_in_any_finding(tmp_path, catalogue, name):
    folder = STRUCTURAL[name](inspection_return(tmp_path, "testshire-2013"))
    assert_no_marker(all_findings(INSPECTIONS, folder, catalogue))


def test_no_key_of_a_broken_inspection_sheet_is_in_any_finding(tmp_path, catalogue):
    import openpyxl

    book = as_workbook(inspection_return(tmp_path, "testshire-2013"))
    workbook = openpyxl.load_workbook(book)
    repeated = marker()
    for key in (repeated, repeated, marker()):
        workbook["inspection"].append([key, marker()])
    workbook["cases"].append([marker() for _ in range(8)])
    workbook.save(book)
    findings = all_findings(INSPECTIONS, book, catalogue)
    assert "file.xlsx.duplicate_key" in {f.rule_id for f in findings}
    assert_no_marker(findings)
