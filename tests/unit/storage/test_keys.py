"""The pseudonymisation key: from the environment, or generated once into the data directory."""

import os
import stat

from flows.config import PSEUDONYM_KEY_ENV
from flows.storage.keys import load_or_create_key


def test_key_is_generated_once_with_private_permissions(tmp_path, monkeypatch):
    monkeypatch.delenv(PSEUDONYM_KEY_ENV, raising=False)
    key_file = tmp_path / "secrets" / "pseudonym.key"
    first = load_or_create_key(key_file)
    assert load_or_create_key(key_file) == first and len(first) == 64
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, "from-the-environment")
    assert load_or_create_key(key_file) == b"from-the-environment"
