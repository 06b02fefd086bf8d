"""Quarantine writes every report whole or not at all (flows.storage.files.write_atomically:
written beside, then renamed over). Regression: reports used to be rewritten in place, so a
reader (the dashboard, `iaow status`) could see half of one. And quarantine is pruned: an input
rejected longer ago than IAOW_QUARANTINE_DAYS is deleted (prune_quarantine, without Prefect)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest

import flows.storage.files
from flows.config import ConfigurationError, quarantine_days
from flows.sources.base import content_files
from flows.storage.quarantine import (
    QUARANTINED_AT,
    SUMMARY_FILE,
    prune_quarantine,
    quarantine,
    quarantine_folder,
    quarantine_summaries,
)
from tests.factories import inspection_return

INPUT_ID = "testshire-2013"
SHA = "c" * 64
OLD_REPORT = "# old report\n" + "an old finding\n" * 20000  # ~300 KB: more than one read
NEW_REPORT = "# new report\n" + "a new finding\n" * 10


@pytest.fixture
def files(tmp_path) -> list[Path]:
    return list(content_files(inspection_return(tmp_path / "landing", INPUT_ID, victims=0, context=False)))


def write(root: Path, files: list[Path], report: str, problems: int) -> Path:
    summary = {"kind": "inspection", "return_sha256": SHA, "received_at": "2013-01-01T09:30:00+00:00",
               "problems": problems, "first_problem": "answers.csv, row 2"}
    return quarantine(root, INPUT_ID, SHA, files, {"report.md": report, "report.html": f"<pre>{report}</pre>"}, summary)


def leftovers(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.name.endswith(".part")]


def test_a_report_replaced_while_a_reader_holds_it_open_leaves_the_reader_the_whole_old_one(tmp_path, files):
    folder = write(tmp_path / "quarantine", files, OLD_REPORT, 1)
    with open(folder / "report.md", encoding="utf-8") as reader:
        start = reader.read(100)
        assert write(tmp_path / "quarantine", files, NEW_REPORT, 2) == folder
        assert start + reader.read() == OLD_REPORT
    assert (folder / "report.md").read_text(encoding="utf-8") == NEW_REPORT
    assert json.loads((folder / SUMMARY_FILE).read_text())["problems"] == 2


def test_no_partial_file_is_left_after_a_write(tmp_path, files):
    folder = write(tmp_path / "quarantine", files, OLD_REPORT, 1)
    assert folder == quarantine_folder(tmp_path / "quarantine", INPUT_ID, SHA)
    assert leftovers(folder) == []
    assert sorted(path.name for path in folder.iterdir()) == ["report.html", "report.md", "return", SUMMARY_FILE]
    assert sorted(path.name for path in (folder / "return").iterdir()) == [path.name for path in files]
    write(tmp_path / "quarantine", files, NEW_REPORT, 2)
    assert leftovers(folder) == []


def test_a_write_that_fails_part_way_leaves_the_previous_report_untouched(tmp_path, files, monkeypatch):
    folder = write(tmp_path / "quarantine", files, OLD_REPORT, 1)
    before = {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}

    def power_cut(source: Path, target: Path) -> None:
        raise OSError("no space left on device")

    monkeypatch.setattr(flows.storage.files, "replace_durably", power_cut)
    with pytest.raises(OSError):
        write(tmp_path / "quarantine", files, NEW_REPORT, 2)
    assert {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file() and not path.name.endswith(".part")} == before
    ((input_id, summary, received),) = quarantine_summaries(tmp_path / "quarantine")
    assert (input_id, summary["problems"], received) == (INPUT_ID, 1, [path.name for path in files])

    monkeypatch.undo()  # the next write replaces what the failed one left
    write(tmp_path / "quarantine", files, NEW_REPORT, 2)
    assert (folder / "report.md").read_text(encoding="utf-8") == NEW_REPORT
    assert leftovers(folder) == []


# ------------------------------------------------------------------ retention (IAOW_QUARANTINE_DAYS)

NOW = dt.datetime(2014, 1, 1, 12, 0, tzinfo=dt.timezone.utc)
NINETY_DAYS = dt.timedelta(days=90)


def rejected(root: Path, files: list[Path], input_id: str, sha: str, at: dt.datetime | None, received_at: str) -> Path:
    """A quarantined input; `at`: when it was rejected (None: a summary of an older version, without it)."""
    folder = quarantine(root, input_id, sha, files, {"report.md": "# report"},
                        {"kind": "inspection", "return_sha256": sha, "received_at": received_at, "problems": 1})
    summary = json.loads((folder / SUMMARY_FILE).read_text())
    if at is None:
        del summary[QUARANTINED_AT]
    else:
        summary[QUARANTINED_AT] = at.isoformat()
    (folder / SUMMARY_FILE).write_text(json.dumps(summary))
    return folder


def test_quarantined_inputs_older_than_the_retention_period_are_deleted_and_the_rest_kept(tmp_path, files):
    root = tmp_path / "quarantine"
    old = rejected(root, files, "old-2013", "a" * 64, NOW - NINETY_DAYS - dt.timedelta(hours=1), "2013-01-01T09:00:00+00:00")
    recent = rejected(root, files, "recent-2013", "b" * 64, NOW - NINETY_DAYS + dt.timedelta(hours=1), "2013-01-01T09:00:00+00:00")
    # an older version's summary (no quarantined_at): its received_at says when
    legacy = rejected(root, files, "legacy-2013", "c" * 64, None, "2013-02-01T09:00:00")  # naive: UTC
    # the same input, sent again with other content since: only the old version goes
    again_old = rejected(root, files, "recent-2013", "d" * 64, NOW - dt.timedelta(days=400), "2012-11-01T09:00:00+00:00")

    pruned = prune_quarantine(root, NINETY_DAYS, NOW)

    assert [(item.input_id, item.folder) for item in pruned] == [
        ("recent-2013", again_old), ("legacy-2013", legacy), ("old-2013", old)]
    assert not old.exists() and not (root / "old-2013").exists()  # nothing left of it: its folder goes too
    assert not legacy.exists() and not again_old.exists()
    assert recent.exists()
    assert [input_id for input_id, _, _ in quarantine_summaries(root)] == ["recent-2013"]
    assert prune_quarantine(root, NINETY_DAYS, NOW) == []  # nothing more to do


def test_a_rejection_repeated_since_keeps_its_input(tmp_path, files):
    root = tmp_path / "quarantine"
    first = rejected(root, files, INPUT_ID, SHA, NOW - dt.timedelta(days=200), "2013-01-01T09:00:00+00:00")
    folder = write(root, files, NEW_REPORT, 2)  # the same content rejected again today: the clock starts again
    assert folder == first
    assert prune_quarantine(root, NINETY_DAYS, dt.datetime.now(dt.timezone.utc)) == []
    assert folder.exists()


def test_a_folder_whose_summary_cannot_be_read_goes_by_its_modification_time(tmp_path, files):
    root = tmp_path / "quarantine"
    unreadable = rejected(root, files, "broken-2013", "a" * 64, NOW - dt.timedelta(days=400), "2013-01-01T09:00:00+00:00")
    (unreadable / SUMMARY_FILE).write_text("{ not json")
    half_written = root / "half-2013" / ("b" * 12)
    half_written.mkdir(parents=True)  # no summary yet: a rejection being written
    long_ago = (NOW - dt.timedelta(days=100)).timestamp()
    os.utime(unreadable, (long_ago, long_ago))
    recently = (NOW - dt.timedelta(days=1)).timestamp()
    os.utime(half_written, (recently, recently))

    assert [item.folder for item in prune_quarantine(root, NINETY_DAYS, NOW)] == [unreadable]
    assert half_written.exists()


def test_links_in_quarantine_are_never_followed(tmp_path, files):
    root = tmp_path / "quarantine"
    rejected(root, files, "x-2013", "a" * 64, NOW - dt.timedelta(days=400), "2013-01-01T09:00:00+00:00")
    elsewhere = tmp_path / "elsewhere" / "y-2013" / ("b" * 12)
    elsewhere.mkdir(parents=True)
    (root / "linked-2013").symlink_to(tmp_path / "elsewhere" / "y-2013")
    assert [item.input_id for item in prune_quarantine(root, NINETY_DAYS, NOW)] == ["x-2013"]
    assert elsewhere.exists() and (root / "linked-2013").is_symlink()


def test_no_quarantine_folder_is_nothing_to_prune_and_a_period_must_be_positive(tmp_path):
    assert prune_quarantine(tmp_path / "missing", NINETY_DAYS, NOW) == []
    with pytest.raises(ValueError):
        prune_quarantine(tmp_path, dt.timedelta(0), NOW)


@pytest.mark.parametrize(("value", "message"), [
    ("0", "IAOW_QUARANTINE_DAYS must be at least 1, not '0'"),
    ("-5", "IAOW_QUARANTINE_DAYS must be a whole number, not '-5'"),
])
def test_a_retention_period_of_zero_or_less_is_a_configuration_error(monkeypatch, value, message):
    monkeypatch.setenv("IAOW_QUARANTINE_DAYS", value)
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        quarantine_days()


def test_the_default_retention_is_90_days(monkeypatch):
    monkeypatch.delenv("IAOW_QUARANTINE_DAYS", raising=False)
    assert quarantine_days() == 90
