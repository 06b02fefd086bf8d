"""The landing watcher's rules, the status of an inspection and the background services' pid files, without a server."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from flows.config import Paths
from flows.runtime.status import input_statuses
from flows.runtime.watcher import LandedReturn, Ledger, complete_returns, scan_once
from flows.sources.registry import kind_named
from tests.factories import inspection_return
from tests.return_edits import set_cell

INSPECTION_ID = "testshire-2013"


def _home(tmp_path: Path) -> Paths:
    p = Paths(tmp_path / "home")
    p.landing_inspections.mkdir(parents=True)
    return p


def test_only_complete_returns_are_seen(tmp_path):
    p = _home(tmp_path)
    folder = inspection_return(p.landing_inspections, INSPECTION_ID, ready=False)
    (p.landing_inspections / "late-2013.xlsx.part").write_bytes(b"partial")
    (p.landing_inspections / "~$late-2013.xlsx").write_bytes(b"excel lock file")
    assert complete_returns(p.landing_inspections) == []

    (folder / "_READY").touch()
    os.replace(p.landing_inspections / "late-2013.xlsx.part", p.landing_inspections / "late-2013.xlsx")
    assert sorted(x.name for x in complete_returns(p.landing_inspections)) == ["late-2013.xlsx", INSPECTION_ID]


def test_a_return_is_announced_once_even_across_restarts(tmp_path):
    p = _home(tmp_path)
    folder = inspection_return(p.landing_inspections, INSPECTION_ID)
    announced: list[LandedReturn] = []
    first = scan_once(p, Ledger(p.run / "landed.json"), announced.append)
    assert [item.return_id for item in first] == [INSPECTION_ID]
    assert [item.kind for item in first] == ["inspection"]
    assert scan_once(p, Ledger(p.run / "landed.json"), announced.append) == []  # a new watcher, same ledger
    assert len(announced) == 1

    # a corrected return (new content) under the same name is announced again
    set_cell("answers.csv", 2, "answer", lambda rows: "no" if rows[1][2] != "no" else "yes")(folder)
    assert len(scan_once(p, Ledger(p.run / "landed.json"), announced.append)) == 1


def test_a_failed_announcement_is_retried(tmp_path):
    p = _home(tmp_path)
    inspection_return(p.landing_inspections, INSPECTION_ID)

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
    statuses = {s.input_id: s for s in input_statuses(p, kind_named("inspection"))}
    assert statuses["waiting-2013"].state == "landed"
    assert statuses["broken-2013"].state == "rejected"
    assert "2 problem(s), first answers.csv, row 10" in statuses["broken-2013"].describe()


def test_a_stale_pid_file_is_cleared_and_a_live_one_kept(tmp_path):
    from flows.runtime.services import background_pid

    p = _home(tmp_path)
    p.run.mkdir(parents=True)
    (p.run / "worker.pid").write_text("999999999\n")  # no such process
    assert background_pid(p, "worker") is None
    assert not (p.run / "worker.pid").exists()
    (p.run / "watcher.pid").write_text(f"{os.getpid()}\n")
    assert background_pid(p, "watcher") == os.getpid()
