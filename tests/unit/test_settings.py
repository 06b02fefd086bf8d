"""Settings are declared once (flows/config.py), read nowhere else, validated with a clear
message, and every one is documented in the README's configuration table (as datasette's
test_config_options_are_documented does)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flows import config
from flows.config import SETTINGS, ConfigurationError, setting

REPO = Path(__file__).resolve().parents[2]
NAME = re.compile(r"\bIAOW_[A-Z][A-Z0-9_]*\b")
# Reading the environment: os.environ.get(...), os.environ[...] not assigned to, getenv(...), dbt's env_var(...).
READ = re.compile(r"""(?:environ\.get\(|getenv\(|env_var\()\s*["'](IAOW_[A-Z0-9_]+)|environ\[\s*["'](IAOW_[A-Z0-9_]+)["']\s*\](?!\s*=[^=])""")
CODE = ("flows", "expectations", "dashboards", "dbt", "bench")


def code_files() -> list[Path]:
    files = [path for root in CODE for path in (REPO / root).rglob("*") if path.suffix in (".py", ".sql", ".yml", ".yaml")]
    return sorted(files + [REPO / "Makefile", REPO / ".ci" / "run"])


def readme_table() -> dict[str, str]:
    """The README's configuration table: variable -> its row."""
    rows = {}
    for line in (REPO / "README.md").read_text().splitlines():
        match = re.match(r"^\| `(IAOW_[A-Z0-9_]+)`", line)
        if match:
            rows[match.group(1)] = line
    return rows


def test_every_setting_the_code_names_is_declared():
    named = {(path.relative_to(REPO), name) for path in code_files() for name in NAME.findall(path.read_text())}
    undeclared = sorted((str(path), name) for path, name in named if name not in SETTINGS)
    assert undeclared == []


def test_settings_are_read_only_by_flows_config():
    readers = []
    for path in code_files():
        for name in (a or b for a, b in READ.findall(path.read_text())):
            where = path.relative_to(REPO)
            # dbt's profile reads the one setting the platform hands it for each build
            if str(where) != "flows/config.py" and (str(where), name) != ("dbt/profiles.yml", config.DBT_DATABASE_ENV):
                readers.append(f"{where} reads {name}")
    assert readers == []


def test_every_setting_is_documented_in_the_readme_with_its_default():
    documented = readme_table()
    assert sorted(set(SETTINGS) - set(documented)) == []
    assert sorted(set(documented) - set(SETTINGS)) == [], "the README documents settings the code does not have"
    for name, declared in SETTINGS.items():
        default = declared.default if declared.default is not None else declared.default_text
        assert default and default in documented[name], f"the README's row for {name} must state its default: {default}"


@pytest.mark.parametrize(("name", "value", "message"), [
    ("IAOW_DISCLOSURE_THRESHOLD", "1", "IAOW_DISCLOSURE_THRESHOLD must be at least 2, not '1'"),
    ("IAOW_DISCLOSURE_THRESHOLD", "ten", "IAOW_DISCLOSURE_THRESHOLD must be a whole number, not 'ten'"),
    ("IAOW_PREFECT_PORT", "80000", "IAOW_PREFECT_PORT must be at least 1 and at most 65535, not '80000'"),
    ("IAOW_RETENTION_DAYS", "-3", "IAOW_RETENTION_DAYS must be a whole number, not '-3'"),
    ("IAOW_RESCORE_CRON", "every night", "IAOW_RESCORE_CRON must be a cron expression of five fields"),
    ("IAOW_QUARANTINE_DAYS", "0", "IAOW_QUARANTINE_DAYS must be at least 1, not '0'"),
    ("IAOW_PUBLISHED_GROUP", "no-such-group-iaow", "IAOW_PUBLISHED_GROUP must name a group that exists on this machine, "
                                                   "not 'no-such-group-iaow'"),
    ("IAOW_PSEUDONYM_KEY", "too-short", "IAOW_PSEUDONYM_KEY must be at least 32 bytes long (UTF-8)"),
])
def test_a_bad_setting_is_refused_naming_the_variable_and_the_rule(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as refused:
        setting(name)
    assert str(refused.value).startswith(message)


def test_defaults_apply_when_unset_or_empty(monkeypatch):
    monkeypatch.delenv("IAOW_DISCLOSURE_THRESHOLD", raising=False)
    assert config.disclosure_threshold() == 10
    monkeypatch.setenv("IAOW_RETENTION_DAYS", "")
    assert config.retention_days() == 90
    monkeypatch.delenv("IAOW_QUARANTINE_DAYS", raising=False)
    assert config.quarantine_days() == 90
    monkeypatch.setenv("IAOW_PREFECT_PORT", "4300")
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert config.prefect_api_url() == "http://127.0.0.1:4300/api"


def test_a_secret_setting_is_never_shown_nor_passed_on_unless_asked(monkeypatch):
    monkeypatch.setenv("IAOW_PSEUDONYM_KEY", "too-short")
    with pytest.raises(ConfigurationError) as refused:
        setting("IAOW_PSEUDONYM_KEY")
    assert "too-short" not in str(refused.value)
    assert [name for name, declared in SETTINGS.items() if declared.secret] == [
        "IAOW_PSEUDONYM_KEY", "IAOW_PREFECT_DATABASE_URL", "IAOW_PREFECT_AUTH", "IAOW_SERVING_URL", "IAOW_TEST_POSTGRES_URL"]
    monkeypatch.setenv("IAOW_SERVING_URL", "not a url with a s3cret")
    with pytest.raises(ConfigurationError) as refused:
        setting("IAOW_SERVING_URL")
    assert "s3cret" not in str(refused.value)
    assert "IAOW_PSEUDONYM_KEY" not in config.child_environment(IAOW_HOME="/elsewhere")
    assert "IAOW_SERVING_URL" not in config.child_environment(IAOW_HOME="/elsewhere")
    assert config.child_environment(IAOW_HOME="/elsewhere")["IAOW_HOME"] == "/elsewhere"
    assert config.child_environment(keep_secrets=True)["IAOW_PSEUDONYM_KEY"] == "too-short"


def test_the_prefect_credential_goes_to_prefect_clients_and_the_servers_secrets_to_no_child(monkeypatch):
    monkeypatch.setenv("IAOW_PREFECT_AUTH", "short")
    with pytest.raises(ConfigurationError) as refused:
        setting("IAOW_PREFECT_AUTH")
    assert "short" not in str(refused.value)
    monkeypatch.setenv("PREFECT_API_AUTH_STRING", "team:a-long-password")
    monkeypatch.setenv("PREFECT_SERVER_API_AUTH_STRING", "team:a-long-password")
    monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL", "postgresql+asyncpg://p:secret@db/prefect")
    worker = config.child_environment(keep_secrets=True)
    assert worker["PREFECT_API_AUTH_STRING"] == "team:a-long-password"
    assert "PREFECT_SERVER_API_AUTH_STRING" not in worker and "PREFECT_API_DATABASE_CONNECTION_URL" not in worker
    assert "PREFECT_API_AUTH_STRING" not in config.child_environment(prefect_client=False)  # Chromium, the dashboard
    server = config.child_environment(PREFECT_SERVER_API_AUTH_STRING="team:a-long-password")
    assert server["PREFECT_SERVER_API_AUTH_STRING"] == "team:a-long-password"
    monkeypatch.setenv("IAOW_PREFECT_DATABASE_URL", "postgres://p:secret@db:5432/prefect")
    assert config.prefect_database_url() == "postgresql+asyncpg://p:secret@db:5432/prefect"


def test_the_published_group_is_a_group_of_this_user(monkeypatch):
    import grp
    import os

    monkeypatch.setenv("IAOW_PUBLISHED_GROUP", grp.getgrgid(os.getegid()).gr_name)
    assert config.published_group() == os.getegid()
    monkeypatch.setenv("IAOW_PUBLISHED_GROUP", "")
    assert config.published_group() is None
