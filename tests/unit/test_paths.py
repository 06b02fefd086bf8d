"""The data directory's layout (flows.config.Paths): what is shared by every machine that serves
one programme, and what each machine keeps for itself under IAOW_MACHINE_DIR."""

from __future__ import annotations

import os

from flows.config import Paths


def per_machine(p: Paths):
    return {"run": p.run, "ledger": p.landed_ledger, "logs": p.logs, "dbt": p.dbt_target,
            "release dbt": p.release_dbt_target, "prefect": p.prefect_home}


def shared(p: Paths):
    return {"landing": p.landing, "archive": p.archive, "quarantine": p.quarantine, "warehouse": p.private_db,
            "published": p.published_db, "outbox": p.outbox, "writer lock": p.writer_lock, "reports": p.reports,
            "releases": p.releases, "disclosure": p.disclosure, "key": p.pseudonym_key_file}


def test_without_a_machine_folder_everything_is_in_the_data_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("IAOW_MACHINE_DIR", raising=False)
    monkeypatch.delenv("PREFECT_HOME", raising=False)
    p = Paths(tmp_path / "home")
    assert p.machine == p.home
    for name, path in {**per_machine(p), **shared(p)}.items():
        assert path.is_relative_to(p.home), name


def test_a_machine_folder_takes_what_one_machine_writes_for_itself_and_nothing_shared(tmp_path, monkeypatch):
    monkeypatch.setenv("IAOW_MACHINE_DIR", str(tmp_path / "app-2"))
    monkeypatch.delenv("PREFECT_HOME", raising=False)
    p = Paths(tmp_path / "shared")
    for name, path in per_machine(p).items():
        assert path.is_relative_to(tmp_path / "app-2"), name
    for name, path in shared(p).items():
        assert path.is_relative_to(tmp_path / "shared"), name


def test_a_machine_folder_not_yet_made_is_made_before_prefect_needs_it(tmp_path, monkeypatch):
    from flows.config import paths, prepare_environment

    monkeypatch.setenv("IAOW_HOME", str(tmp_path / "shared"))
    monkeypatch.setenv("IAOW_MACHINE_DIR", str(tmp_path / "new" / "app-2"))
    monkeypatch.delenv("PREFECT_HOME", raising=False)
    prepare_environment()
    assert paths().machine.is_dir()
    assert os.environ["PREFECT_HOME"] == str(tmp_path / "new" / "app-2" / ".prefect")
