"""The pseudonymisation key: IAOW_PSEUDONYM_KEY, or generated once into the data directory
(`secrets/pseudonym.key`, mode 600 in a folder of mode 700, never committed).

A key shorter than 32 bytes (UTF-8) is refused, from the environment or from the file: HMAC-SHA256
with a short key can be brute-forced, and every pseudonym reversed with it. A generated key is 32
random bytes, written as 64 hex characters (the form earlier versions wrote, so their pseudonyms
stay valid).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flows.config import MIN_KEY_BYTES, ConfigurationError, pseudonym_key
from flows.storage.files import PRIVATE_FILE, make_private, private_folder

GENERATED_KEY_BYTES = 32  # random bytes; the file holds them as hex


def load_or_create_key(key_file: Path) -> bytes:
    configured = pseudonym_key()  # ConfigurationError when shorter than MIN_KEY_BYTES
    if configured:
        return configured.encode("utf-8")
    private_folder(key_file.parent)
    if not key_file.exists():
        # Exclusive create: two first runs at once must not end up with different keys.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_FILE)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(GENERATED_KEY_BYTES) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
    make_private(key_file)  # one written by an older version, or copied in by hand
    return _read_key(key_file)


def check_key(key_file: Path) -> None:
    """ConfigurationError now, before a service that pseudonymises starts, if the configured key or
    the key file is too short. Creates nothing."""
    if pseudonym_key() is None and key_file.exists():
        _read_key(key_file)


def _read_key(key_file: Path) -> bytes:
    key = key_file.read_text(encoding="utf-8").strip().encode("utf-8")
    if len(key) < MIN_KEY_BYTES:
        raise ConfigurationError(
            f"the pseudonym key in {key_file} is {len(key)} bytes long; it must be at least {MIN_KEY_BYTES} "
            "(a short key can be guessed, and with it every pseudonym reversed). Replace it only with the key "
            "the existing pseudonyms were made with, or set IAOW_PSEUDONYM_KEY")
    return key
