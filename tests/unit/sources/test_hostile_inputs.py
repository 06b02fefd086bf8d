"""Careless and hostile inputs, read by the shared machinery of flows/sources/files.py: every mistake
comes out as a finding (ReturnRejected from reading, or a validation finding), never an exception;
nothing an input says about itself (its size, a YAML alias, a workbook's dimension) decides how
much is read; text is compared in Unicode NFC and only ASCII digits are numbers."""

from __future__ import annotations

import dataclasses
import re
import time
import tracemalloc
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest

import expectations.inspection
import expectations.survey
from flows.core.catalogue import load_catalogue
from flows.core.findings import Finding, ReturnRejected
from flows.sources.files import MAX_FIELD_CHARS, read_key_value_yaml
from flows.sources.inspections.kind import KIND as INSPECTIONS
from flows.sources.inspections.read import INSPECTION_KEYS, read_return
from flows.sources.surveys.kind import KIND as SURVEYS
from flows.sources.surveys.read import SURVEY_KEYS
from flows.storage.warehouse import EmptyWarehouse
from tests.factories import ALIAS_BOMB, case_ref, inspection_return, survey_delivery
from tests.return_edits import rewrite_csv, workbook_from_folder

LIMITS = INSPECTIONS.limits
KEY = b"test pseudonym key"
ID = "testshire-2013"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def rejected(kind, path: Path) -> dict[str, Finding]:
    """The findings of reading the input, by rule id (the input must be rejected)."""
    with pytest.raises(ReturnRejected) as raised:
        kind.read(kind.locate(path))
    return {f.rule_id: f for f in raised.value.findings}


def validated(kind, path: Path, catalogue) -> dict[str, Finding]:
    """The findings of reading, pseudonymising and validating the input, by rule id."""
    parsed = kind.read(kind.locate(path))
    kind.pseudonymise(parsed, KEY)
    return {f.rule_id: f for f in kind.validate(parsed, catalogue, EmptyWarehouse()).findings}


def with_yaml_line(folder: Path, key: str, raw: str) -> Path:
    """inspection.yaml with `key`'s line written as `key: raw`, exactly."""
    lines = (folder / "inspection.yaml").read_text().splitlines()
    (folder / "inspection.yaml").write_text("\n".join(f"{key}: {raw}" if line.startswith(f"{key}:") else line for line in lines) + "\n")
    return folder


def line_of(folder: Path, key: str) -> int:
    return next(n for n, line in enumerate((folder / "inspection.yaml").read_text().splitlines(), start=1) if line.startswith(f"{key}:"))


def read_yaml(tmp_path: Path, text: str, limits=LIMITS):
    file = tmp_path / "inspection.yaml"
    file.write_text(text, encoding="utf-8")
    findings: list[Finding] = []
    table = read_key_value_yaml(file, "inspection", limits, INSPECTION_KEYS, findings)
    return table, {f.rule_id: f for f in findings}


# ---------------------------------------------------------------- YAML: one flat mapping of plain text


def test_the_readers_name_exactly_the_contract_keys():
    assert INSPECTION_KEYS == tuple(expectations.inspection.KEYS)
    assert SURVEY_KEYS == tuple(expectations.survey.KEYS)


def test_every_scalar_is_its_text_as_written_and_plain_nulls_are_absent(tmp_path):
    table, found = read_yaml(tmp_path, (
        "inspection_id: 007\nfieldwork_start: 2013-02-30\nsynthetic: yes\nposition_in_group: 1.0\n"
        "area: ~\ngroup_id:\ngroup_theme: null\nmethodology: 'null'\nquoted: \"  spaced  \"\n"))
    assert found == {}
    assert table.frame.iloc[0].to_dict() == {
        "inspection_id": "007", "fieldwork_start": "2013-02-30", "synthetic": "yes", "position_in_group": "1.0",
        "area": None, "group_id": None, "group_theme": None, "methodology": "null", "quoted": "spaced",
    }
    assert table.lines == {"inspection_id": 1, "fieldwork_start": 2, "synthetic": 3, "position_in_group": 4, "area": 5,
                           "group_id": 6, "group_theme": 7, "methodology": 8, "quoted": 9}


def test_an_unquoted_impossible_date_is_a_validation_finding_on_its_key(tmp_path, catalogue):
    folder = with_yaml_line(inspection_return(tmp_path, ID), "fieldwork_start", "2013-02-30")
    found = validated(INSPECTIONS, folder, catalogue)
    assert set(found) == {"inspection.fieldwork_start.calendar_date"}
    assert found["inspection.fieldwork_start.calendar_date"].key == "fieldwork_start"
    assert found["inspection.fieldwork_start.calendar_date"].rows == (line_of(folder, "fieldwork_start"),)


def test_a_list_where_a_value_belongs_is_rejected_naming_the_key_and_line(tmp_path):
    folder = with_yaml_line(inspection_return(tmp_path, ID), "area", "[A, B]")
    finding = rejected(INSPECTIONS, folder)["file.yaml.flat_mapping"]
    assert (finding.source, finding.key, finding.rows) == ("inspection.yaml", "area", (line_of(folder, "area"),))
    assert "single value" in finding.rule


def test_a_nested_mapping_under_a_key_outside_the_contract_names_only_the_line(tmp_path):
    _, found = read_yaml(tmp_path, "inspection_id: x\nnotes:\n  a: 1\n  b: [2, 3]\n")
    assert found["file.yaml.flat_mapping"].key is None
    assert found["file.yaml.flat_mapping"].rows == (2,)


def test_a_duplicate_key_is_rejected_naming_the_second_line(tmp_path):
    folder = inspection_return(tmp_path, ID)
    with open(folder / "inspection.yaml", "a") as handle:
        handle.write("area: Somewhere Else\n")
    finding = rejected(INSPECTIONS, folder)["file.yaml.duplicate_key"]
    assert finding.key == "area"
    assert finding.rows == (len((folder / "inspection.yaml").read_text().splitlines()),)




def test_a_yaml_alias_bomb_is_rejected_fast_without_expanding_it(tmp_path):
    folder = inspection_return(tmp_path, ID)
    (folder / "inspection.yaml").write_text(ALIAS_BOMB)
    started = time.perf_counter()
    found = rejected(INSPECTIONS, folder)
    assert time.perf_counter() - started < 1
    assert found["file.yaml.alias"].rows == tuple(range(1, 10))
    assert found["file.yaml.flat_mapping"].key == "inspection_id"


def test_an_alias_to_a_scalar_is_refused_too(tmp_path):
    _, found = read_yaml(tmp_path, "inspection_id: &id hampshire-2013\narea: *id\n")
    assert set(found) == {"file.yaml.alias"}
    assert found["file.yaml.alias"].rows == (1, 2)


@pytest.mark.parametrize("raw", ["!!python/object/apply:os.system ['true']", "!!python/object:os.Thing {}", "!!str 4", "!mine x"])
def test_an_explicit_tag_is_refused_and_never_applied(tmp_path, raw):
    folder = with_yaml_line(inspection_return(tmp_path, ID), "area", raw)
    finding = rejected(INSPECTIONS, folder)["file.yaml.tag"]
    assert finding.rows == (line_of(folder, "area"),)


def test_more_than_one_document_is_refused(tmp_path):
    _, found = read_yaml(tmp_path, "inspection_id: a\n---\ninspection_id: b\n")
    assert found["file.yaml.documents"].rows == (2,)


@pytest.mark.parametrize("text", ["", "# nothing\n", "just text\n", "- a\n- b\n"])
def test_a_file_that_is_not_a_mapping_is_refused(tmp_path, text):
    _, found = read_yaml(tmp_path, text)
    assert set(found) == {"inspection.mapping"}


def test_a_key_that_is_a_list_is_refused(tmp_path):
    _, found = read_yaml(tmp_path, "? [a, b]\n: x\n")
    assert found["file.yaml.flat_mapping"].key is None


def test_keys_beyond_the_limit_are_refused(tmp_path):
    _, found = read_yaml(tmp_path, "".join(f"key_{n}: {n}\n" for n in range(LIMITS.header_keys + 1)))
    assert found["file.yaml.keys_limit"].rows == (LIMITS.header_keys + 1,)


def test_a_yaml_file_over_its_size_limit_is_refused_before_parsing(tmp_path):
    _, found = read_yaml(tmp_path, "inspection_id: x\n# " + "x" * LIMITS.header_bytes + "\n")
    assert set(found) == {"file.size_limit"}


def test_a_yaml_syntax_error_names_its_line(tmp_path):
    _, found = read_yaml(tmp_path, "inspection_id: x\narea: [unclosed\n")
    assert set(found) == {"file.yaml.syntax"}
    assert found["file.yaml.syntax"].rows


def test_a_key_outside_the_contract_is_named_by_its_line_in_validation(tmp_path, catalogue):
    folder = inspection_return(tmp_path, ID)
    with open(folder / "inspection.yaml", "a") as handle:
        handle.write("offender_name: Jane Doe\n")
    finding = validated(INSPECTIONS, folder, catalogue)["inspection.columns.unexpected"]
    assert finding.key is None and finding.rows == (line_of(folder, "offender_name"),)
    assert "offender_name" not in finding.describe()


# ---------------------------------------------------------------- ASCII digits and NFC


def test_a_full_width_digit_is_not_a_position_in_group(tmp_path, catalogue):
    folder = with_yaml_line(inspection_return(tmp_path, ID), "position_in_group", "\uff15")
    found = validated(INSPECTIONS, folder, catalogue)
    assert set(found) == {"inspection.position_in_group.range"}
    assert found["inspection.position_in_group.range"].key == "position_in_group"


def test_full_width_digits_are_not_a_survey_year(tmp_path, catalogue):
    folder = survey_delivery(tmp_path)
    (folder / "survey.yaml").write_text(f"survey_id: {folder.name}\nsurvey_year: \uff12\uff10\uff11\uff12\nsynthetic: true\n")
    found = validated(SURVEYS, folder, catalogue)
    assert set(found) == {"survey.survey_year.year"}


def test_a_full_width_digit_is_not_a_context_value(tmp_path, catalogue):
    folder = inspection_return(tmp_path, ID)
    rewrite_csv(folder / "context.csv", lambda rows: rows[1].__setitem__(2, "\uff15"))
    found = validated(INSPECTIONS, folder, catalogue)
    assert set(found) == {"context.value.number"}
    assert found["context.value.number"].rows == (2,)


def test_no_suite_writes_a_digit_as_backslash_d():
    """`\\d` matches every script's digits (full-width '５' too): the suites spell out [0-9]."""
    for module in Path(expectations.inspection.__file__).parent.glob("*.py"):
        assert not re.search(r"\\d", module.read_text()), module.name


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_a_case_reference_in_nfc_and_in_nfd_is_one_case(tmp_path, catalogue):
    folder = inspection_return(tmp_path, ID)
    first = case_ref(ID, 1)
    composed = unicodedata.normalize("NFC", "SYN-Éloïse-001")
    assert nfd(composed) != composed

    def rename(rows, decomposed: bool):
        for row in rows[1:]:
            if row[0] == first:
                row[0] = nfd(composed) if decomposed else composed

    rewrite_csv(folder / "cases.csv", lambda rows: rename(rows, decomposed=False))
    rewrite_csv(folder / "answers.csv", lambda rows: rename(rows, decomposed=True))
    parsed = INSPECTIONS.read(INSPECTIONS.locate(folder))
    INSPECTIONS.pseudonymise(parsed, KEY)
    cases, answers = parsed.tables["cases"].frame, parsed.tables["answers"].frame
    assert cases.loc[2, "case_ref"] == answers.loc[2, "case_ref"]  # the first case's first answer
    assert INSPECTIONS.validate(parsed, catalogue, EmptyWarehouse()).findings == []


def test_the_same_case_twice_in_nfc_and_nfd_is_a_repeated_case(tmp_path, catalogue):
    folder = inspection_return(tmp_path, ID)
    composed = unicodedata.normalize("NFC", "SYN-Éloïse-001")

    def change(rows):
        rows[1][0], rows[2][0] = composed, nfd(composed)

    rewrite_csv(folder / "cases.csv", change)
    assert validated(INSPECTIONS, folder, catalogue)["cases.case_ref.unique"].rows == (2, 3)


# ---------------------------------------------------------------- limits of files and tables


def test_a_file_over_the_size_limit_is_refused_before_it_is_decoded(tmp_path):
    folder = inspection_return(tmp_path, ID)
    with open(folder / "context.csv", "ab") as handle:
        handle.truncate(LIMITS.file_bytes + 1)  # sparse: costs no disk
    finding = rejected(INSPECTIONS, folder)["file.size_limit"]
    assert finding.source == "context.csv"
    assert f"{LIMITS.file_bytes:,}" in finding.rule


def findings_with(path: Path, **limits) -> list[Finding]:
    """The findings of reading the input under the inspection kind's limits, some of them changed."""
    with pytest.raises(ReturnRejected) as raised:
        read_return(INSPECTIONS.locate(path), dataclasses.replace(LIMITS, **limits))
    return raised.value.findings


def read_with(path: Path, **limits) -> dict[str, Finding]:
    return {f.rule_id: f for f in findings_with(path, **limits)}


def test_too_many_rows_stop_the_reading_at_the_first_row_over(tmp_path):
    found = {(f.source, f.rule_id): f.rows for f in findings_with(inspection_return(tmp_path, ID), rows=20)}
    assert found[("answers.csv", "file.table.rows_limit")] == (21,)
    assert found[("cases.csv", "file.table.rows_limit")] == (21,)


def test_too_many_columns_or_cells_are_refused(tmp_path):
    folder = inspection_return(tmp_path, ID)
    columns = {f.source: f for f in findings_with(folder, columns=4) if f.rule_id == "file.table.columns_limit"}
    assert (columns["cases.csv"].rows, columns["cases.csv"].column) == ((1,), "5 (E)")
    cells = read_with(folder, cells=100)["file.table.cells_limit"]
    assert cells.rows and cells.rows[0] < 40


def test_a_cell_too_long_is_refused_naming_its_position(tmp_path):
    folder = inspection_return(tmp_path, ID)
    rewrite_csv(folder / "cases.csv", lambda rows: rows[3].__setitem__(1, "x" * (MAX_FIELD_CHARS + 1)))
    finding = rejected(INSPECTIONS, folder)["file.table.field_length"]
    assert (finding.source, finding.rows, finding.column) == ("cases.csv", (4,), "2 (B)")


def test_a_survey_delivery_is_read_within_its_kind_limits(tmp_path):
    from flows.sources.surveys.read import read_delivery

    folder = survey_delivery(tmp_path, responses_per_area=5)
    with pytest.raises(ReturnRejected) as raised:
        read_delivery(SURVEYS.locate(folder), dataclasses.replace(SURVEYS.limits, rows=10))
    assert [(f.source, f.rule_id, f.rows) for f in raised.value.findings] == [("responses.csv", "file.table.rows_limit", (11,))]


def test_duplicate_headers_are_named_by_position(tmp_path):
    folder = inspection_return(tmp_path, ID)
    rewrite_csv(folder / "cases.csv", lambda rows: rows[0].__setitem__(4, "gender"))
    finding = rejected(INSPECTIONS, folder)["file.header.duplicate"]
    assert finding.detail == "the same name heads columns 3 (C), 5 (E)"


# ---------------------------------------------------------------- workbooks


@pytest.fixture
def book(tmp_path) -> Path:
    return workbook_from_folder(inspection_return(tmp_path, ID), tmp_path / f"{ID}.xlsx")


def edited(path: Path, edit) -> Path:
    workbook = openpyxl.load_workbook(path)
    edit(workbook)
    workbook.save(path)
    return path


def rewritten_xml(path: Path, change) -> Path:
    """The workbook with each sheet's XML changed by change(name, xml)."""
    with zipfile.ZipFile(path) as original:
        parts = {info.filename: original.read(info) for info in original.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for name, data in parts.items():
            rewritten.writestr(name, change(name, data) if name.startswith("xl/worksheets/sheet") else data)
    return path


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_is_refused_naming_it(book, state):
    edited(book, lambda workbook: setattr(workbook["context"], "sheet_state", state))
    assert rejected(INSPECTIONS, book)["file.xlsx.hidden_sheet"].source == f"{ID}.xlsx, sheet context"


def test_sheet_names_that_differ_only_in_spaces_are_refused(book):
    edited(book, lambda workbook: setattr(workbook.copy_worksheet(workbook["cases"]), "title", "cases "))
    assert rejected(INSPECTIONS, book)["file.xlsx.sheet_names_collide"].source == f"{ID}.xlsx, sheet cases"


def test_a_single_title_with_stray_spaces_is_still_read(book):
    edited(book, lambda workbook: setattr(workbook["cases"], "title", " cases "))
    assert "cases" in INSPECTIONS.read(INSPECTIONS.locate(book)).tables


def tiny_book(path: Path, *cells: tuple[str, int, int, object]) -> Path:
    """A workbook of the three required sheets, each holding a header and a row, plus `cells`
    (sheet, row, column, value)."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "inspection"
    workbook["inspection"].append(["inspection_id", ID])
    for title in ("cases", "answers"):
        workbook.create_sheet(title).append(["case_ref", "question_id"])
        workbook[title].append(["A", "B"])
    for sheet, row, column, value in cells:
        workbook[sheet].cell(row=row, column=column, value=value)
    workbook.save(path)
    return path


def test_a_declared_dimension_bomb_is_read_fast_in_bounded_memory(tmp_path):
    bomb = rewritten_xml(tiny_book(tmp_path / f"{ID}.xlsx"), lambda name, xml: re.sub(
        rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:XFD1048576"/>', xml))
    assert bomb.stat().st_size < 20_000
    tracemalloc.start()
    started = time.perf_counter()
    try:
        findings = findings_with(bomb)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < 1 and peak < 5 * 1024 * 1024, (elapsed, peak)
    assert [(f.source, f.rule_id) for f in findings] == [
        (f"{ID}.xlsx, sheet {title}", "file.xlsx.declared_dimension") for title in ("inspection", "cases", "answers")]


def test_a_single_cell_at_the_last_column_is_a_column_limit_finding_at_once(tmp_path):
    book = tiny_book(tmp_path / f"{ID}.xlsx", ("cases", 5, 16384, "far"))
    started = time.perf_counter()
    found = read_with(book)
    assert time.perf_counter() - started < 1
    finding = found["file.table.columns_limit"]
    assert (finding.source, finding.rows, finding.column) == (f"{ID}.xlsx, sheet cases", (5,), "16384 (XFD)")


def test_a_cell_at_the_last_row_is_a_row_limit_finding(tmp_path):
    book = tiny_book(tmp_path / f"{ID}.xlsx", ("answers", 1_048_576, 1, "deep"))
    finding = read_with(book)["file.table.rows_limit"]
    assert (finding.source, finding.rows) == (f"{ID}.xlsx, sheet answers", (1_048_576,))


def test_a_workbook_over_its_unpacked_limit_is_refused_before_it_is_opened(book):
    unpacked = sum(info.file_size for info in zipfile.ZipFile(book).infolist())
    assert set(read_with(book, workbook_unpacked_bytes=unpacked - 1)) == {"file.xlsx.unpacked_size"}


def test_a_workbook_of_too_many_sheets_is_refused(book):
    assert set(read_with(book, sheets=4)) == {"file.xlsx.sheets_limit"}


def test_a_workbook_over_the_size_limit_is_refused(book):
    assert set(read_with(book, file_bytes=book.stat().st_size - 1)) == {"file.size_limit"}


def test_a_file_that_is_not_a_zip_is_unreadable(tmp_path):
    (tmp_path / f"{ID}.xlsx").write_bytes(b"not a workbook at all")
    assert set(rejected(INSPECTIONS, tmp_path / f"{ID}.xlsx")) == {"file.xlsx.unreadable"}


def test_a_number_written_in_full_width_digits_in_the_sheet_xml_is_refused(tmp_path):
    book = tiny_book(tmp_path / f"{ID}.xlsx", ("cases", 2, 2, 5))
    rewritten_xml(book, lambda name, xml: xml.replace(b"<v>5</v>", "<v>\uff15</v>".encode()))
    assert "file.xlsx.malformed" in read_with(book)


def test_the_inspection_sheet_reads_as_text_and_refuses_a_repeated_key(book):
    def repeat_area(workbook):
        workbook["inspection"].append(["area", "Elsewhere"])
        workbook["inspection"].append(["offender_name", "Jane Doe"])

    edited(book, repeat_area)
    rows = openpyxl.load_workbook(book)["inspection"].max_row
    found = rejected(INSPECTIONS, book)
    assert set(found) == {"file.xlsx.duplicate_key"}
    assert (found["file.xlsx.duplicate_key"].key, found["file.xlsx.duplicate_key"].rows) == ("area", (rows - 1,))


def test_a_key_outside_the_contract_in_the_inspection_sheet_is_named_by_its_row(book, catalogue):
    edited(book, lambda workbook: workbook["inspection"].append(["offender_name", "Jane Doe"]))
    finding = validated(INSPECTIONS, book, catalogue)["inspection.columns.unexpected"]
    assert (finding.source, finding.key) == (f"{ID}.xlsx, sheet inspection", None)
    assert finding.rows == (openpyxl.load_workbook(book)["inspection"].max_row,)


def test_too_many_keys_in_the_inspection_sheet_are_refused(book):
    edited(book, lambda workbook: [workbook["inspection"].append([f"key_{n}", n]) for n in range(LIMITS.header_keys)])
    assert "file.xlsx.keys_limit" in rejected(INSPECTIONS, book)


def test_workbook_text_is_nfc(tmp_path):
    book = tiny_book(tmp_path / f"{ID}.xlsx", ("cases", 2, 1, nfd("SYN-Éloïse-001")))
    cases = INSPECTIONS.read(INSPECTIONS.locate(book)).tables["cases"].frame
    assert cases.loc[2, "case_ref"] == unicodedata.normalize("NFC", "SYN-Éloïse-001")
