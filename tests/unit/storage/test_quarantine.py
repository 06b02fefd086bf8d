"""Quarantine writes every report whole or not at all (flows.storage.files.write_atomically:
written beside, then renamed over). Regression: reports used to be rewritten in place, so a
reader (the dashboard, `iaow status`) could see half of one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import flows.storage.files
from flows.sources.base import content_files
from flows.storage.quarantine import SUMMARY_FILE, quarantine, quarantine_folder, quarantine_summaries
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
