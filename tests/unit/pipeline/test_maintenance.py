"""The weekly maintenance run's quarantine task: a thin wrapper of prune_quarantine (tested in
tests/unit/storage/test_quarantine.py), run here without a server."""

from __future__ import annotations

import datetime as dt
import json

from prefect.logging import disable_run_logger

from flows.config import Paths
from flows.pipeline.maintenance import prune_old_quarantine
from flows.storage.quarantine import SUMMARY_FILE


def quarantined(p: Paths, input_id: str, days_ago: int) -> None:
    folder = p.quarantine / input_id / "abcdef012345"
    folder.mkdir(parents=True)
    at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days_ago)
    (folder / SUMMARY_FILE).write_text(json.dumps({"received_at": at.isoformat(), "quarantined_at": at.isoformat()}))


def test_the_task_deletes_what_is_older_than_the_period_it_is_given(tmp_path, monkeypatch):
    monkeypatch.setenv("IAOW_HOME", str(tmp_path / "home"))
    p = Paths(tmp_path / "home")
    quarantined(p, "old-2013", 91)
    quarantined(p, "recent-2013", 89)
    with disable_run_logger():
        assert prune_old_quarantine.fn(90) == 1
    assert sorted(path.name for path in p.quarantine.iterdir()) == ["recent-2013"]
