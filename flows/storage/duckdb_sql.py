"""Paths are data, not SQL: the one place a file's path enters SQL text.

DuckDB binds parameters wherever a statement takes a value (`copy (...) to ?` included), and that
is how every other path is passed. ATTACH takes no parameter (`attach ? as x` is a parser error),
so `attach_read_only` writes the path as a SQL string literal, each quote doubled (DuckDB's
literals know no backslash escapes), and refuses a path no file name should have (a NUL, a line
break), and `alias` must be a plain identifier.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class UnsafePath(ValueError):
    """A path that cannot be written into SQL text safely (a NUL or a line break in it)."""


def quote(identifier: str) -> str:
    """An identifier as SQL text, each double quote doubled: "fct_outcome_scores"."""
    return '"' + identifier.replace('"', '""') + '"'


def path_literal(path: Path | str) -> str:
    """`path` as a SQL string literal: 'o''brien data/iaow.duckdb'."""
    text = str(path)
    if any(character in text for character in ("\0", "\n", "\r")):
        raise UnsafePath(f"refusing a path with a NUL or a line break in it: {text!r}")
    return "'" + text.replace("'", "''") + "'"


def attach_read_only(connection: duckdb.DuckDBPyConnection, path: Path | str, alias: str) -> None:
    """ATTACH the DuckDB file at `path`, read-only, as `alias`."""
    if not IDENTIFIER.fullmatch(alias):
        raise ValueError(f"not a plain identifier: {alias!r}")
    connection.execute(f"attach {path_literal(path)} as {alias} (read_only)")
