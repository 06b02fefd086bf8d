"""Keyed pseudonyms for personal identifiers, so that marts can count cases without naming them.

HMAC-SHA256 with a secret key: without the key a pseudonym cannot be reversed or recomputed
from a guessed case reference. Identifiers are scoped (by inspection, or by survey delivery) so
that pseudonyms do not link the same reference across providers. The key itself is kept by
`flows.storage.keys`.
"""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd

PSEUDONYM_HEX_CHARS = 24  # 96 bits: collisions are negligible at any sample size


def pseudonym(key: bytes, scope: str, identifier: str) -> str:
    mac = hmac.new(key, f"{scope}\0{identifier}".encode(), hashlib.sha256)
    return mac.hexdigest()[:PSEUDONYM_HEX_CHARS]


def pseudonymise_column(frame: pd.DataFrame, column: str, key: bytes, scope: str) -> None:
    """Replace the values of `column` by their pseudonyms, in place; blanks stay blank for validation.
    A table without the column is left alone: validation reports the missing column."""
    if column in frame.columns:
        frame[column] = [None if v is None else pseudonym(key, scope, v) for v in frame[column]]


def drop_free_text(frame: pd.DataFrame, column: str) -> None:
    """Free text stays in the raw archive only: the column is emptied before anything reads it."""
    if column in frame.columns:
        frame[column] = None
