"""The open-data pack: every file of one release, written into a staging folder.

For each table: `<name>.csv` (UTF-8, RFC 4180: CRLF line ends, quoted where needed, a header row;
a withheld number is an empty cell) and `<name>.parquet` (the same table, typed). Then the
accessible spreadsheet, `datapackage.json` (which names every file with its size and SHA-256),
and the README as Markdown and as a web page. The caller publishes the folder once
(`flows.storage.files.publish_folder_once`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from flows.core.figures import missing
from flows.core.inert import spreadsheet_safe
from flows.reporting.release import readme
from flows.reporting.release.datapackage import data_package, validate_package
from flows.reporting.release.model import ReleaseInfo, ReleaseTable
from flows.reporting.release.spreadsheet import write_spreadsheet

ARROW_TYPES = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
               "date": pa.date32(), "datetime": pa.timestamp("us", tz="UTC")}


class PackInvalid(Exception):
    """The pack does not validate as a Data Package: nothing is published."""


def spreadsheet_name(info: ReleaseInfo) -> str:
    return f"iaow-release-{info.release_id}.xlsx"


def _cell(value: object) -> object:
    if missing(value):
        return ""
    if isinstance(value, str):
        return spreadsheet_safe(value)  # text from a return is never a formula in a spreadsheet
    return value


def csv_bytes(table: ReleaseTable) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180
    writer.writerow(table.column_names)
    for row in table.rows.itertuples(index=False):
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def parquet_table(table: ReleaseTable) -> pa.Table:
    columns = {}
    for column in table.columns:
        text = column.type == "string"
        values = [None if missing(value) else str(value) if text else value for value in table.rows[column.name].tolist()]
        columns[column.name] = pa.array(values, type=ARROW_TYPES[column.type])
    return pa.table(columns)


def write_pack(folder: Path, info: ReleaseInfo, tables: Sequence[ReleaseTable], threshold: int,
               changes: Sequence[str]) -> list[tuple[str, int]]:
    """Every file of the release into `folder` (empty, the owner's). Returns (file, bytes) for each."""
    for table in tables:
        (folder / f"{table.name}.csv").write_bytes(csv_bytes(table))
        pq.write_table(parquet_table(table), folder / f"{table.name}.parquet", compression="zstd")
    write_spreadsheet(info, tables, folder / spreadsheet_name(info))
    package = data_package(info, tables)
    _add_files(package, folder, tables, info)
    (folder / "datapackage.json").write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    problems = validate_package(folder)
    if problems:
        raise PackInvalid("the release does not validate as a Data Package:\n" + "\n".join(f"  - {p}" for p in problems[:20]))
    files = _sizes(folder)
    parts = readme.sections(info, tables, files, threshold, changes)
    (folder / "README.md").write_text(readme.markdown(info, parts), encoding="utf-8")
    (folder / "README.html").write_text(readme.page(info, parts), encoding="utf-8")
    return _sizes(folder)


def _sizes(folder: Path) -> list[tuple[str, int]]:
    return [(path.name, path.stat().st_size) for path in sorted(folder.iterdir()) if path.is_file()]


def _add_files(package: dict, folder: Path, tables: Sequence[ReleaseTable], info: ReleaseInfo) -> None:
    """Each resource's size and hash (frictionless checks them), and the files that are not tables."""
    for resource in package["resources"]:
        path = folder / resource["path"]
        resource["bytes"] = path.stat().st_size
        resource["hash"] = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    package["iaow_release"] |= {
        "parquet": {table.name: f"{table.name}.parquet" for table in tables},
        "spreadsheet": spreadsheet_name(info),
    }
