"""The release's `datapackage.json`: a Frictionless Data Package (v2) describing every table.

A reader who opens the CSVs with a Frictionless tool (or reads the JSON by eye) learns each
column's type, title and meaning, the primary key, and what an empty cell means, without the
spreadsheet or the README. `validate_package` checks the written folder against it, so a CSV that
disagrees with its description (a letter in a number column, a duplicate key) is caught before
the release is published.

Missing values: a withheld or missing number is an empty cell, and the reason is a marker in the
string column `status`, never in the number column. So "" is missing in every field; number
fields also list the missing-value markers (with their meanings, Data Package v2's labelled
form) so a reader learns them, although they never occur there. The status field keeps its
markers as values: it inherits only "" from the schema, and a pattern admits nothing but the
markers joined by single spaces.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import frictionless

from flows.reporting.release.model import (
    MISSING_MARKERS,
    STATUS_COLUMN,
    STATUS_MARKERS,
    ReleaseColumn,
    ReleaseInfo,
    ReleaseTable,
)

DESCRIPTOR_NAME = "datapackage.json"
# v2: field-level missingValues and their labelled form are v2 additions. Frictionless resolves
# the standard's version from this URL; it never fetches it.
PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
LICENCE = {
    "name": "OGL-UK-3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "title": "Open Government Licence v3.0",
}
SYNTHETIC_WARNING = (
    "SYNTHETIC DEMO DATA: this release is made from the demonstration programme's synthetic data. "
    "Its figures describe no real inspection and must not be used or quoted as statistics."
)
# How the release writes its CSVs: pandas' to_csv, RFC 4180.
CSV_DIALECT = {"header": True, "delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True}

EMPTY = {"value": "", "label": "empty cell: no value"}
EMPTY_NUMBER = {"value": "", "label": "empty cell: the number is withheld or not available; the status column says why"}
NUMBER_MISSING_VALUES = [EMPTY_NUMBER, *({"value": marker, "label": STATUS_MARKERS[marker]} for marker in MISSING_MARKERS)]
# "" (no marker), or one or more markers separated by single spaces: "[c]", "[p] [r]". Table
# Schema patterns are XML Schema regular expressions (implicitly anchored, no "(?:"), which
# Python's re reads the same way.
_MARKER = "(" + "|".join(re.escape(marker) for marker in STATUS_MARKERS) + ")"
STATUS_PATTERN = f"({_MARKER}( {_MARKER})*)?"


def data_package(info: ReleaseInfo, tables: Sequence[ReleaseTable], extra_resources: Sequence[dict] = ()) -> dict:
    """The descriptor for `datapackage.json`, written beside `<table.name>.csv` for every table.
    `extra_resources` (already complete resource descriptors) are added after the tables."""
    resources = [_resource(table) for table in tables] + [copy.deepcopy(dict(extra)) for extra in extra_resources]
    names = [resource.get("name") for resource in resources]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"resource names must be unique: {duplicates}")
    return {
        "$schema": PROFILE,
        "name": _package_name(info.release_id),
        "title": f"{info.title} (SYNTHETIC DEMO DATA)" if info.is_synthetic else info.title,
        "description": _description(info),
        "version": info.release_id,
        # The release's own moment, not the time of writing: writing the release again gives the same file.
        "created": info.published_at.isoformat(timespec="seconds"),
        "licenses": [dict(LICENCE)],
        "contributors": [{"title": info.contact, "roles": ["contact"]}],
        "sources": [{"title": f"Inspection reports published on or before {info.cut_off.isoformat()}"}],
        "resources": resources,
        # The release's facts, machine-readable: the next release compares itself with this one.
        "iaow_release": {
            "release_id": info.release_id,
            "published_at": info.published_at.isoformat(),
            "cut_off": info.cut_off.isoformat(),
            "next_release": info.next_release.isoformat() if info.next_release else None,
            "previous_release_id": info.previous_release_id,
            "is_synthetic": info.is_synthetic,
        },
    }


def validate_package(folder: Path) -> list[str]:
    """Frictionless' validation of `folder/datapackage.json` and every file it describes, as
    readable lines ("scores.csv: Type error in the cell "x" in row "2" ..."); [] when valid."""
    descriptor = folder / DESCRIPTOR_NAME
    if not descriptor.is_file():
        return [f"{DESCRIPTOR_NAME}: not found in {folder}"]
    # A release is checked from its own files: any resource, profile or schema that names a URL
    # fails instead of being fetched. (use_context restores the real session only when validate
    # returns; after an exception the session stays offline, the safe side.)
    with frictionless.system.use_context(http_session=_NoNetwork()):
        report = frictionless.validate(str(descriptor))
    problems = [f"{DESCRIPTOR_NAME}: {error.message}" for error in report.errors]
    problems += [f"{task.place}: {error.message}" for task in report.tasks for error in task.errors]
    return problems


def _resource(table: ReleaseTable) -> dict:
    unknown_key = [name for name in table.primary_key if name not in table.column_names]
    if unknown_key:
        raise ValueError(f"table {table.name}: primary key names no column: {unknown_key}")
    return {
        "name": table.name,
        "type": "table",
        "path": f"{table.name}.csv",
        "scheme": "file",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": table.title,
        "description": table.description,
        "dialect": dict(CSV_DIALECT),
        "schema": {
            "fields": [_field(column, table) for column in table.columns],
            "primaryKey": list(table.primary_key),
            "missingValues": [dict(EMPTY)],
        },
    }


def _field(column: ReleaseColumn, table: ReleaseTable) -> dict:
    field: dict[str, Any] = {
        "name": column.name,
        "type": column.type,
        "title": column.title,
        "description": column.description,
    }
    constraints: dict[str, Any] = {}
    if column.is_numeric:
        field["missingValues"] = copy.deepcopy(NUMBER_MISSING_VALUES)
    if column.name == STATUS_COLUMN:
        if column.type != "string":
            raise ValueError(f"table {table.name}: the {STATUS_COLUMN} column must be a string, not {column.type}")
        field["description"] = _status_description(column.description)
        constraints["pattern"] = STATUS_PATTERN
    if column.name in table.primary_key:
        constraints["required"] = True
    if constraints:
        field["constraints"] = constraints
    return field


def _status_description(description: str) -> str:
    meanings = "\n".join(f"- `{marker}` {meaning}" for marker, meaning in STATUS_MARKERS.items())
    return (
        f"{description}\n\nEmpty when no symbol applies; otherwise one or more of these symbols, "
        f"separated by a single space (for example `[p] [r]`):\n\n{meanings}"
    )


def _description(info: ReleaseInfo) -> str:
    parts = [SYNTHETIC_WARNING] if info.is_synthetic else []
    parts.append(info.summary)
    parts.append(
        "A withheld or missing number is an empty cell; the row's status column gives the reason. "
        f"The release's cut-off: inspection reports published on or before {info.cut_off.isoformat()}."
    )
    if info.previous_release_id:
        parts.append(f"Previous release: {info.previous_release_id}.")
    if info.notes:
        parts.append("Notes:\n\n" + "\n".join(f"- [note {note.number}] {note.text}" for note in info.notes))
    return "\n\n".join(parts)


def _package_name(release_id: str) -> str:
    # Lower case, digits and -._ only: the name a v1 reader accepts as well.
    return re.sub(r"[^a-z0-9._-]+", "-", f"iaow-release-{release_id}".lower())


class _NoNetwork:
    """Stands in for frictionless' HTTP session (`requests.Session`): every request is refused."""

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        raise ConnectionRefusedError(f"not fetched, the release is validated offline: {method} {url}")

    def get(self, url: str, *args: Any, **kwargs: Any) -> Any:
        return self.request("GET", url)

    def post(self, url: str, *args: Any, **kwargs: Any) -> Any:
        return self.request("POST", url)
