"""Edits that break or correct a copy of a return, for the tests. Row numbers are spreadsheet
rows (the header is row 1), as the platform's messages give them."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import yaml


def rewrite_csv(path: Path, change) -> None:
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    change(rows)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def rewrite_yaml(folder: Path, **changes) -> None:
    document = yaml.safe_load((folder / "inspection.yaml").read_text())
    document.update(changes)
    (folder / "inspection.yaml").write_text(yaml.safe_dump(document, sort_keys=False))


def set_cell(file: str, row: int, column: str, value):
    """Change one cell; `row` is the spreadsheet row number (header = 1); `value` may be
    a function of the file's rows."""

    def mutate(folder: Path) -> Path:
        def change(rows):
            rows[row - 1][rows[0].index(column)] = value(rows) if callable(value) else value

        rewrite_csv(folder / file, change)
        return folder

    return mutate


def drop_rows(file: str, rows_to_drop: range):
    def mutate(folder: Path) -> Path:
        def change(rows):
            for index in sorted(rows_to_drop, reverse=True):
                del rows[index - 1]

        rewrite_csv(folder / file, change)
        return folder

    return mutate


def duplicate_row(file: str, row: int):
    def mutate(folder: Path) -> Path:
        rewrite_csv(folder / file, lambda rows: rows.append(list(rows[row - 1])))
        return folder

    return mutate


def remove_file(name: str):
    def mutate(folder: Path) -> Path:
        (folder / name).unlink()
        return folder

    return mutate


def add_file(name: str, content: str):
    def mutate(folder: Path) -> Path:
        (folder / name).write_text(content)
        return folder

    return mutate


def yaml_value(**changes):
    def mutate(folder: Path) -> Path:
        rewrite_yaml(folder, **changes)
        return folder

    return mutate


def raw_text(file: str, transform):
    def mutate(folder: Path) -> Path:
        path = folder / file
        path.write_bytes(transform(path.read_bytes()))
        return folder

    return mutate


def rename_folder(new_name: str):
    def mutate(folder: Path) -> Path:
        return Path(shutil.move(folder, folder.with_name(new_name)))

    return mutate


def too_few_cases(folder: Path) -> Path:
    keep = {row["case_ref"] for row in list(csv.DictReader((folder / "cases.csv").open()))[:40]}
    rewrite_csv(folder / "cases.csv", lambda rows: rows.__setitem__(slice(None), [rows[0]] + [r for r in rows[1:] if r[0] in keep]))
    rewrite_csv(folder / "answers.csv", lambda rows: rows.__setitem__(slice(None), [rows[0]] + [r for r in rows[1:] if r[0] in keep]))
    return folder


def drop_column(file: str, column: str):
    def mutate(folder: Path) -> Path:
        def change(rows):
            index = rows[0].index(column)
            for row in rows:
                del row[index]

        rewrite_csv(folder / file, change)
        return folder

    return mutate


def add_column(file: str, column: str, value: str):
    def mutate(folder: Path) -> Path:
        def change(rows):
            rows[0].append(column)
            for row in rows[1:]:
                row.append(value)

        rewrite_csv(folder / file, change)
        return folder

    return mutate


def context_value(measure: str, value: str, geography: str | None = None):
    """Set the first value of `measure` in context.csv (of `geography`, if given)."""

    def mutate(folder: Path) -> Path:
        def change(rows):
            index = next(i for i, r in enumerate(rows) if r[1] == measure and geography in (None, r[0]))
            rows[index][2] = value

        rewrite_csv(folder / "context.csv", change)
        return folder

    return mutate


def workbook_from_folder(folder: Path, target: Path) -> Path:
    """The same return as one workbook: a sheet per table plus a key/value `inspection` sheet."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "inspection"
    sheet.append(["key", "value"])
    for key, value in yaml.safe_load((folder / "inspection.yaml").read_text()).items():
        sheet.append([key, value])
    for csv_file in sorted(folder.glob("*.csv")):
        sheet = book.create_sheet(csv_file.stem)
        for record in csv.reader(csv_file.open(newline="", encoding="utf-8")):
            sheet.append([int(v) if v.isdigit() else v for v in record])
    book.save(target)
    return target


def case_refs(folder: Path, count: int) -> list[str]:
    """The first `count` case references of a return's cases.csv."""
    return [line.split(",")[0] for line in (folder / "cases.csv").read_text(encoding="utf-8").splitlines()[1 : count + 1]]


def rename_case_refs(folder: Path, names: dict[str, str], encoding: str = "utf-8") -> Path:
    """Rename case references in cases.csv and answers.csv, writing both in `encoding`."""
    for file in ("cases.csv", "answers.csv"):
        text = (folder / file).read_text(encoding="utf-8")
        for old, new in names.items():
            text = text.replace(f"{old},", f"{new},")
        (folder / file).write_bytes(text.encode(encoding))
    return folder


def flip_an_answer(nth: int):
    """An edit making a corrected version of a return: its nth yes-or-no answer turned over. Rows
    answered n/a are passed over, since turning one would leave the return as it was."""
    def edit(folder: Path) -> None:
        def change(rows):
            row = [row for row in rows[1:] if row[2] in ("yes", "no")][nth - 1]
            row[2] = "no" if row[2] == "yes" else "yes"

        rewrite_csv(folder / "answers.csv", change)

    return edit
