"""The bytes of the CSV and YAML files a delivery is made of: UTF-8, `\\n` line ends."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import yaml


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """A sender's CSV file, written as a sender writes it. Its cells are deliberately not passed
    through `flows.core.inert.spreadsheet_safe`: these files are inputs the platform reads (a
    prefixed quote would change the data a return sends), not outputs people open in a
    spreadsheet. Every CSV the platform writes for readers does go through it (report tables,
    dashboard downloads)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def yaml_bytes(document: Mapping[str, Any]) -> bytes:
    """Keys in the order given."""
    return yaml.safe_dump(dict(document), sort_keys=False, allow_unicode=True).encode("utf-8")
