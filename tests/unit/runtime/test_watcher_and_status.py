"""The landing watcher's rules, the status of an inspection and the rescore's comparison, without a server."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from flows import demo
from flows.config import Paths
from flows.programme import score_changes
from flows.status import inspection_statuses
from flows.watcher import LandedReturn, Ledger, complete_returns, scan_once

INSPECTION = demo.DEMO_INSPECTIONS[0]


def _home(tmp_path: Path) -> Paths:
    p = Paths(tmp_path / "home")
    p.landing_inspections.mkdir(parents=True)
    return p


def test_only_complete_returns_are_seen(tmp_path):
    p = _home(tmp_path)
    folder = demo.write_return(INSPECTION, p.landing_inspections / INSPECTION.inspection_id)
    (folder / "_READY").unlink()
    (p.landing_inspections / "late-2013.xlsx.part").write_bytes(b"partial")
    (p.landing_inspections / "~$late-2013.xlsx").write_bytes(b"excel lock file")
    assert complete_returns(p.landing_inspections) == []

    (folder / "_READY").touch()
    os.replace(p.landing_inspections / "late-2013.xlsx.part", p.landing_inspections / "late-2013.xlsx")
    assert sorted(x.name for x in complete_returns(p.landing_inspections)) == ["late-2013.xlsx", INSPECTION.inspection_id]


def test_a_return_is_announced_once_even_across_restarts(tmp_path):
    p = _home(tmp_path)
    demo.write_return(INSPECTION, p.landing_inspections / INSPECTION.inspection_id)
    announced: list[LandedReturn] = []
    first = scan_once(p, Ledger(p.run / "landed.json"), announced.append)
    assert [item.return_id for item in first] == [INSPECTION.inspection_id]
    assert scan_once(p, Ledger(p.run / "landed.json"), announced.append) == []  # a new watcher, same ledger
    assert len(announced) == 1

    # a corrected return (new content) under the same name is announced again
    answers = p.landing_inspections / INSPECTION.inspection_id / "answers.csv"
    answers.write_text(answers.read_text().replace(",yes\n", ",no\n", 1))
    assert len(scan_once(p, Ledger(p.run / "landed.json"), announced.append)) == 1


def test_a_failed_announcement_is_retried(tmp_path):
    p = _home(tmp_path)
    demo.write_return(INSPECTION, p.landing_inspections / INSPECTION.inspection_id)

    def fail(_):
        raise ConnectionError("server down")

    ledger = Ledger(p.run / "landed.json")
    try:
        scan_once(p, ledger, fail)
    except ConnectionError:
        pass
    assert len(scan_once(p, ledger, lambda _: None)) == 1


def test_status_reads_landed_and_rejected(tmp_path):
    p = _home(tmp_path)
    ledger = Ledger(p.run / "landed.json")
    now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    ledger.add(LandedReturn("waiting-2013", "/x/waiting-2013", "a" * 64, now))
    ledger.add(LandedReturn("broken-2013", "/x/broken-2013", "b" * 64, now))
    summary = p.quarantine / "broken-2013" / ("b" * 12) / "summary.json"
    summary.parent.mkdir(parents=True)
    summary.write_text(json.dumps({"return_sha256": "b" * 64, "received_at": now, "problems": 2,
                                   "first_problem": "answers.csv, row 10, column answer: must be one of: yes, no, n/a"}))
    statuses = {s.inspection_id: s for s in inspection_statuses(p)}
    assert statuses["waiting-2013"].state == "landed"
    assert statuses["broken-2013"].state == "rejected"
    assert "2 problem(s), first answers.csv, row 10" in statuses["broken-2013"].describe()


def test_rescore_lists_every_changed_score():
    before = [("a", 1, 70), ("a", 2, 80), ("b", 1, 60)]
    after = [("a", 1, 71), ("a", 2, 80), ("b", 1, None), ("c", 1, 50)]
    assert score_changes(before, after) == [("a", 1, 70, 71), ("b", 1, 60, None), ("c", 1, None, 50)]


def test_a_stale_pid_file_is_cleared_and_a_live_one_kept(tmp_path):
    from flows.services import background_pid

    p = _home(tmp_path)
    p.run.mkdir(parents=True)
    (p.run / "worker.pid").write_text("999999999\n")  # no such process
    assert background_pid(p, "worker") is None
    assert not (p.run / "worker.pid").exists()
    (p.run / "watcher.pid").write_text(f"{os.getpid()}\n")
    assert background_pid(p, "watcher") == os.getpid()
