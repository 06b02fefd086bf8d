"""The pseudonymisation key: from the environment, or generated once into the data directory;
never shorter than 32 bytes, never readable by anyone but its owner."""

import os
import stat

import pytest

from flows.config import MIN_KEY_BYTES, PSEUDONYM_KEY_ENV, ConfigurationError, check_settings
from flows.storage.keys import load_or_create_key

A_GOOD_KEY = "from-the-environment-" + "k" * 11  # 32 bytes


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_key_is_generated_once_with_private_permissions(tmp_path, monkeypatch):
    monkeypatch.delenv(PSEUDONYM_KEY_ENV, raising=False)
    key_file = tmp_path / "secrets" / "pseudonym.key"
    first = load_or_create_key(key_file)
    assert load_or_create_key(key_file) == first and len(first) == 64  # 32 random bytes, as hex
    assert bytes.fromhex(first.decode()) and len(bytes.fromhex(first.decode())) == 32
    assert mode(key_file) == 0o600
    assert mode(key_file.parent) == 0o700
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, A_GOOD_KEY)
    assert load_or_create_key(key_file) == A_GOOD_KEY.encode()


def test_a_key_folder_and_file_left_open_by_an_older_version_are_closed(tmp_path, monkeypatch):
    monkeypatch.delenv(PSEUDONYM_KEY_ENV, raising=False)
    key_file = tmp_path / "secrets" / "pseudonym.key"
    key_file.parent.mkdir(mode=0o755)
    key_file.write_text("a" * 64 + "\n")
    key_file.chmod(0o644)
    assert load_or_create_key(key_file) == b"a" * 64
    assert (mode(key_file.parent), mode(key_file)) == (0o700, 0o600)


@pytest.mark.parametrize("key", ["s3cr3t", "k" * (MIN_KEY_BYTES - 1), "é" * 15 + "k"])  # the last: 31 bytes, 16 characters
def test_a_key_from_the_environment_shorter_than_32_bytes_is_refused_without_showing_it(tmp_path, monkeypatch, key):
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, key)
    with pytest.raises(ConfigurationError) as refused:
        load_or_create_key(tmp_path / "secrets" / "pseudonym.key")
    assert str(refused.value).startswith(f"{PSEUDONYM_KEY_ENV} must be at least 32 bytes long")
    assert key not in str(refused.value)
    with pytest.raises(ConfigurationError):
        check_settings()  # and so `iaow` refuses to start, with exit code 2
    assert not (tmp_path / "secrets").exists()  # nothing generated in its place


def test_32_bytes_of_utf8_are_enough(tmp_path, monkeypatch):
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, "é" * 16)  # 16 characters, 32 bytes
    assert load_or_create_key(tmp_path / "pseudonym.key") == ("é" * 16).encode()


def test_a_key_file_shorter_than_32_bytes_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(PSEUDONYM_KEY_ENV, raising=False)
    key_file = tmp_path / "secrets" / "pseudonym.key"
    key_file.parent.mkdir()
    key_file.write_text("too-short\n")
    with pytest.raises(ConfigurationError, match="at least 32"):
        load_or_create_key(key_file)
    assert key_file.read_text() == "too-short\n"  # never replaced: the pseudonyms were made with it
