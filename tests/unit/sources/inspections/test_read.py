"""Reading returns: folders and workbooks, encodings, malformed files."""

import shutil
from pathlib import Path

import openpyxl
import pytest

from flows.core.findings import ReturnRejected
from flows.sources.base import UsageError
from flows.sources.inspections.kind import KIND
from flows.sources.inspections.read import locate_return, read_return
from tests.factories import inspection_return
from tests.return_edits import case_refs, rename_case_refs, workbook_from_folder

N_CASES = 60
LIMITS = KIND.limits


@pytest.fixture
def hampshire(tmp_path) -> Path:
    """A complete return: every table, victims and context included."""
    return inspection_return(
        tmp_path, "hampshire-2013", area="Hampshire", n_cases=N_CASES, position_in_group=4, fieldwork_start="2013-08-05",
        victims=5, context=True,
    )


def rejected_rule_ids(path: Path) -> dict[str, object]:
    with pytest.raises(ReturnRejected) as raised:
        read_return(locate_return(path), LIMITS)
    return {f.rule_id: f for f in raised.value.findings}


def test_reads_every_table_with_spreadsheet_row_numbers(hampshire):
    parsed = read_return(locate_return(hampshire), LIMITS)
    assert set(parsed.tables) == {"cases", "answers", "victim_questionnaire", "context"}
    cases = parsed.tables["cases"].frame
    assert len(cases) == N_CASES
    assert cases.index[0] == 2  # header is row 1
    assert parsed.header_table.frame.iloc[0]["fieldwork_start"] == "2013-08-05"
    assert parsed.header_table.frame.iloc[0]["position_in_group"] == "4"


def test_byte_order_mark_is_accepted(hampshire):
    path = hampshire / "cases.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    parsed = read_return(locate_return(hampshire), LIMITS)
    assert list(parsed.tables["cases"].frame.columns)[0] == "case_ref"


def _with_names(folder: Path, encoding: str) -> Path:
    """Case references that need more than ASCII (as Windows-1252 can write them)."""
    first, second = case_refs(folder, 2)
    return rename_case_refs(folder, {first: "SYN-HAM-Ó Súilleabháin", second: "SYN-HAM-Désirée £5"}, encoding)


def test_windows_1252_reads_the_same_as_utf8(hampshire, tmp_path):
    utf8 = read_return(locate_return(_with_names(hampshire, "utf-8")), LIMITS)
    windows = shutil.copytree(hampshire, tmp_path / "windows" / "hampshire-2013")
    for name in ("cases.csv", "answers.csv"):
        (windows / name).write_bytes((hampshire / name).read_text(encoding="utf-8").encode("cp1252"))
    assert (windows / "cases.csv").read_bytes() != (hampshire / "cases.csv").read_bytes()
    cp1252 = read_return(locate_return(windows), LIMITS)
    for table in utf8.tables:
        assert cp1252.tables[table].frame.equals(utf8.tables[table].frame), table
    assert "SYN-HAM-Ó Súilleabháin" in set(cp1252.tables["cases"].frame["case_ref"])


def test_utf8_names_outside_windows_1252_are_read(hampshire):
    (third,) = case_refs(hampshire, 1)
    rename_case_refs(hampshire, {third: "SYN-HAM-Wiśniewski"}, "utf-8")
    assert "SYN-HAM-Wiśniewski" in set(read_return(locate_return(hampshire), LIMITS).tables["cases"].frame["case_ref"])


def test_other_encodings_are_rejected_naming_the_line(hampshire):
    path = hampshire / "cases.csv"
    lines = path.read_bytes().split(b"\n")
    lines[4] = lines[4] + b"\x81"  # undefined in Windows-1252 and not UTF-8
    path.write_bytes(b"\n".join(lines))
    finding = rejected_rule_ids(hampshire)["file.encoding.supported"]
    assert finding.rows == (5,) and finding.source == "cases.csv"
    assert "UTF-8" in finding.rule and "Windows-1252" in finding.rule

    path.write_bytes(path.read_bytes().replace(b"\x81", b"").decode("utf-8").encode("utf-16"))
    assert "UTF-16" in rejected_rule_ids(hampshire)["file.encoding.supported"].detail


def test_ragged_rows_are_named(hampshire):
    path = hampshire / "cases.csv"
    lines = path.read_text().splitlines()
    lines[9] += ",extra"
    path.write_text("\n".join(lines) + "\n")
    assert rejected_rule_ids(hampshire)["file.csv.field_count"].rows == (10,)


def test_blank_trailing_lines_are_ignored(hampshire):
    path = hampshire / "answers.csv"
    path.write_text(path.read_text() + "\n\n,,\n")
    read_return(locate_return(hampshire), LIMITS)


def test_yaml_that_is_not_a_mapping_is_rejected(hampshire):
    (hampshire / "inspection.yaml").write_text("- just\n- a list\n")
    assert "inspection.mapping" in rejected_rule_ids(hampshire)


def test_a_path_that_is_not_a_return_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError):
        locate_return(tmp_path / "missing")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(UsageError):
        locate_return(tmp_path / "notes.txt")


def test_a_workbook_reads_like_its_folder_twin(hampshire, tmp_path):
    book = workbook_from_folder(hampshire, tmp_path / "hampshire-2013.xlsx")
    from_folder = read_return(locate_return(hampshire), LIMITS)
    from_book = read_return(locate_return(book), LIMITS)
    assert from_book.header_table.frame.to_dict() == from_folder.header_table.frame.to_dict()
    for name, table in from_folder.tables.items():
        assert from_book.tables[name].frame.equals(table.frame), name
    assert from_book.tables["cases"].source == "hampshire-2013.xlsx, sheet cases"


def test_workbook_errors_name_the_sheet_and_row(hampshire, tmp_path):
    book_path = workbook_from_folder(hampshire, tmp_path / "hampshire-2013.xlsx")
    book = openpyxl.load_workbook(book_path)
    book["cases"].cell(row=6, column=8, value="stray")  # beyond the header's last column
    del book["answers"]
    book.save(book_path)
    found = rejected_rule_ids(book_path)
    assert found["file.csv.field_count"].source == "hampshire-2013.xlsx, sheet cases"
    assert found["file.csv.field_count"].rows == (6,)
    assert found["return.sheets.required"].source == "hampshire-2013.xlsx, sheet answers"


def test_folder_name_must_be_an_inspection_slug(hampshire, tmp_path):
    renamed = tmp_path / "Hampshire 2013"
    shutil.move(hampshire, renamed)
    assert "return.name.slug" in rejected_rule_ids(renamed)
