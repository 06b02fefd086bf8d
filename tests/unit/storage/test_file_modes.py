"""Least privilege on disk: what holds personal data is its owner's only (files 600, folders 700)
whatever the process's umask; what is published (the published file, reports) is readable by
analysts (644 / 755), or by IAOW_PUBLISHED_GROUP only (640 / 750); what an older version left open
is tightened at the start of each publication."""

from __future__ import annotations

import grp
import json
import os
import stat
from pathlib import Path

import pytest

from flows.config import ConfigurationError, Paths, check_settings
from flows.storage.files import make_private, private_folder, publish_mode, secure_data_directory, write_published
from flows.storage.quarantine import quarantine
from tests.unit.storage.test_publication import publish

GROUP_ENV = "IAOW_PUBLISHED_GROUP"


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def umask():
    """Run the test under a given umask (restored after): `umask(0o000)`."""
    before = os.umask(0o022)
    os.umask(before)

    def set_umask(value: int) -> None:
        os.umask(value)

    yield set_umask
    os.umask(before)


@pytest.fixture
def no_group(monkeypatch):
    monkeypatch.delenv(GROUP_ENV, raising=False)


def primary_group() -> str:
    return grp.getgrgid(os.getegid()).gr_name


def assert_private(p: Paths) -> None:
    assert mode(p.private_db) == 0o600
    for folder in (p.outbox, p.next_private_db.parent, p.next_published_db.parent, p.disclosure):
        assert mode(folder) == 0o700, folder
    logs = list(p.disclosure.iterdir())
    assert logs and all(mode(log) == 0o600 for log in logs)


# ------------------------------------------------------------------ a publication


@pytest.mark.parametrize("loosest", [0o000, 0o022])
def test_a_publication_keeps_private_files_private_whatever_the_umask(tmp_path, umask, no_group, loosest):
    umask(loosest)  # a process that forgot to set its umask: the modes are set explicitly all the same
    p = Paths(tmp_path / "home")
    publish(p, "first-2013", 1)
    assert_private(p)
    assert mode(p.published_db) == 0o644
    assert mode(p.warehouse) == mode(p.home) == 0o755  # the way to the published file is open


def test_under_the_platforms_umask_the_published_file_is_still_readable_by_analysts(tmp_path, umask, no_group):
    umask(0o077)  # as `iaow` and every service run
    p = Paths(tmp_path / "home")
    p.home.mkdir()  # as prepare_environment makes it under that umask: 700
    publish(p, "first-2013", 1)
    assert_private(p)
    assert mode(p.published_db) == 0o644
    assert mode(p.warehouse) == mode(p.home) == 0o755


def test_an_outbox_entry_and_its_disclosure_log_are_private_while_owed(tmp_path, umask, no_group):
    umask(0o000)
    p = Paths(tmp_path / "home")
    publish(p, "first-2013", 1)
    p.disclosure.rename(p.home / "moved")
    p.disclosure.write_text("a file where the folder should be")  # the disclosure log stays owed
    publication_id, delivered = publish(p, "second-2013", 2)
    assert [left.label for left in delivered.left] == ["disclosure log"]
    entry = p.outbox / publication_id
    assert mode(p.outbox) == mode(entry) == 0o700
    assert {path.name: mode(path) for path in entry.iterdir()} == {
        "owed.json": 0o600, "steps.jsonl": 0o600, "disclosure.csv": 0o600}


def test_with_a_published_group_the_published_file_is_the_groups_and_no_one_elses(tmp_path, monkeypatch, umask):
    umask(0o000)
    monkeypatch.setenv(GROUP_ENV, primary_group())
    p = Paths(tmp_path / "home")
    publish(p, "first-2013", 1)
    assert mode(p.published_db) == 0o640
    assert os.stat(p.published_db).st_gid == os.getegid()
    assert mode(p.warehouse) == 0o750 and os.stat(p.warehouse).st_gid == os.getegid()
    assert_private(p)


def test_the_start_of_a_publication_tightens_what_an_older_version_left_open(tmp_path, umask, no_group):
    p = Paths(tmp_path / "home")
    publish(p, "first-2013", 1)
    p.private_db.chmod(0o644)
    old = [p.quarantine / "x-2013" / "abc" / "return" / "cases.csv", p.logs / "worker.log", p.pseudonym_key_file,
           p.disclosure / "pub-old.csv"]
    for path in old:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        path.chmod(0o644)
        path.parent.chmod(0o755)
    p.published_db.chmod(0o600)  # too tight for analysts

    publish(p, "second-2013", 2)
    # a publication closes the top of each private tree, which alone keeps others out ...
    assert mode(p.private_db) == 0o600
    for folder in (p.quarantine, p.logs, p.secrets, p.disclosure):
        assert mode(folder) == 0o700, folder
    assert mode(p.published_db) == 0o644
    # ... and a service start closes every file in them
    secure_data_directory(p)
    for path in old:
        assert mode(path) == 0o600, path
        assert mode(path.parent) == 0o700, path.parent
    assert mode(p.quarantine / "x-2013") == 0o700


# ------------------------------------------------------------------ reports


def test_reports_are_readable_by_analysts_in_folders_they_can_open(tmp_path, umask, no_group):
    umask(0o077)
    sheet = write_published(tmp_path / "home" / "reports" / "inspections" / "a-2013.html", "<p>score</p>")
    assert mode(sheet) == 0o644
    assert mode(sheet.parent) == mode(sheet.parent.parent) == mode(tmp_path / "home") == 0o755


def test_with_a_published_group_reports_are_the_groups(tmp_path, monkeypatch, umask):
    umask(0o000)
    monkeypatch.setenv(GROUP_ENV, primary_group())
    table = write_published(tmp_path / "reports" / "g" / "tables" / "key.csv", "a,b\n")
    assert (mode(table), mode(table.parent), mode(table.parent.parent)) == (0o640, 0o750, 0o750)
    assert os.stat(table).st_gid == os.getegid()


def test_secure_data_directory_gives_existing_reports_to_a_newly_configured_group(tmp_path, monkeypatch, no_group):
    p = Paths(tmp_path / "home")
    sheet = write_published(p.score_sheets / "a-2013.html", "<p>score</p>")
    assert mode(sheet) == 0o644
    monkeypatch.setenv(GROUP_ENV, primary_group())
    secure_data_directory(p)
    assert (mode(sheet), mode(p.score_sheets), mode(p.reports)) == (0o640, 0o750, 0o750)


# ------------------------------------------------------------------ quarantine and helpers


def test_quarantine_is_its_owners_only(tmp_path, umask):
    umask(0o000)
    received = tmp_path / "landing" / "cases.csv"
    received.parent.mkdir()
    received.write_text("case_ref\nSYN-1\n")
    folder = quarantine(tmp_path / "quarantine", "x-2013", "c" * 64, [received], {"report.md": "# report"},
                        {"received_at": "2013-01-01T09:30:00+00:00"})
    assert mode(tmp_path / "quarantine") == mode(folder.parent) == mode(folder) == mode(folder / "return") == 0o700
    assert {path.name: mode(path) for path in folder.rglob("*") if path.is_file()} == {
        "cases.csv": 0o600, "report.md": 0o600, "summary.json": 0o600}
    assert json.loads((folder / "summary.json").read_text())["received_at"] == "2013-01-01T09:30:00+00:00"


def test_make_private_never_follows_a_link(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("not ours to change")
    outside.chmod(0o644)
    folder = private_folder(tmp_path / "private")
    (folder / "link").symlink_to(outside)
    make_private(folder)
    assert mode(outside) == 0o644 and mode(folder) == 0o700


def test_an_unknown_published_group_is_a_configuration_error(monkeypatch, tmp_path):
    monkeypatch.setenv(GROUP_ENV, "no-such-group-iaow")
    with pytest.raises(ConfigurationError, match="IAOW_PUBLISHED_GROUP must name a group that exists"):
        check_settings()
    with pytest.raises(ConfigurationError):
        publish_mode(tmp_path)
