"""Every query the reports run on the published file, one `.sql` file each, named after what it
returns; parameters are positional (`?`, in the order the file's `-- parameters:` line gives).

Queries return exact values (0-1 fractions as stored): what a reader sees is rounded once, in
Python, by `flows.core.figures`, never by SQL `round()`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from flows.storage.published import PublishedFile

FOLDER = Path(__file__).parent


@cache
def load(name: str) -> str:
    """The text of `sql/<name>.sql`."""
    return (FOLDER / f"{name}.sql").read_text(encoding="utf-8")


def records(published: PublishedFile, name: str, *params: Any) -> list[Any]:
    """The rows of query `name` as named records (`row.score_pct`, never `row[7]`)."""
    return published.records(load(name), params)
