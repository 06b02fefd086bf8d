"""The pseudonymisation key: IAOW_PSEUDONYM_KEY, or generated once into the data directory
(`secrets/pseudonym.key`, mode 600, never committed)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flows.config import pseudonym_key


def load_or_create_key(key_file: Path) -> bytes:
    configured = pseudonym_key()
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
