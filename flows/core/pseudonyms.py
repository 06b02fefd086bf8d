"""Keyed pseudonyms for personal identifiers, so that marts can count cases without naming them.

HMAC-SHA256 with a secret key: without the key a pseudonym cannot be reversed or recomputed
from a guessed case reference. The key comes from IAOW_PSEUDONYM_KEY or is generated once into
the data directory (never committed). Identifiers are scoped by inspection so that keys do not
link the same reference across providers.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import pandas as pd

KEY_ENV = "IAOW_PSEUDONYM_KEY"
PSEUDONYM_HEX_CHARS = 24  # 96 bits: collisions are negligible at any sample size


def load_or_create_key(key_file: Path) -> bytes:
    configured = os.environ.get(KEY_ENV)
    if configured:
        return configured.encode()
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.parent.chmod(0o700)
        # Exclusive create: two first runs at once must not end up with different keys.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32) + "\n")
    return key_file.read_text().strip().encode()


def pseudonym(key: bytes, scope: str, identifier: str) -> str:
    mac = hmac.new(key, f"{scope}\0{identifier}".encode(), hashlib.sha256)
    return mac.hexdigest()[:PSEUDONYM_HEX_CHARS]


def pseudonymise_column(frame: pd.DataFrame, column: str, key: bytes, scope: str) -> None:
    """Replace the values of `column` by their pseudonyms, in place; blanks stay blank for validation."""
    frame[column] = [None if v is None else pseudonym(key, scope, v) for v in frame[column]]


def pseudonymise_return(parsed, key: bytes) -> None:
    """Swap every personal identifier of a parsed return for its pseudonym, and drop free text.

    Runs before validation, so neither GX nor anything after it ever holds a case reference.
    """
    scope = parsed.source.name
    for table_name in ("cases", "answers"):
        table = parsed.tables.get(table_name)
        if table is not None and "case_ref" in table.frame.columns:
            pseudonymise_column(table.frame, "case_ref", key, scope)
    victims = parsed.tables.get("victim_questionnaire")
    if victims is not None:
        if "respondent_id" in victims.frame.columns:
            pseudonymise_column(victims.frame, "respondent_id", key, scope)
        if "comment" in victims.frame.columns:
            # Free text stays in the raw archive only.
            victims.frame["comment"] = None


def pseudonymise_delivery(parsed, key: bytes) -> None:
    """Survey response ids are the survey contractor's: keyed like case references, per delivery."""
    responses = parsed.responses.frame
    if "response_id" in responses.columns:
        pseudonymise_column(responses, "response_id", key, parsed.source.name)
