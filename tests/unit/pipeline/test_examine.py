"""Examining inputs, without Prefect: one process or several give the same examinations, in the
order given, and a rejected input is named with its rows whichever process read it."""

from pathlib import Path

import pytest

from flows.config import Paths
from flows.pipeline import examine as examine_module
from flows.pipeline.examine import Examined, examine, examine_all, examine_archived
from flows.storage.archive import archived_inputs
from tests.factories import inspection_return


def _inputs(landing: Path) -> list[tuple[str, str]]:
    folders = [
        inspection_return(landing, "cheshire-2013", area="Cheshire", position_in_group=1),
        inspection_return(landing, "cumbria-2013", area="Cumbria", position_in_group=2, answer="maybe"),
        inspection_return(landing, "derbyshire-2013", area="Derbyshire", position_in_group=3),
    ]
    return [("inspection", str(folder)) for folder in folders]


def _described(found: list[Examined]) -> list[tuple]:
    return [
        (e.source.name, e.archived.sha256, e.ok, [f.describe() for f in e.findings],
         None if e.parsed is None else e.parsed.tables["answers"].frame.to_csv())
        for e in found
    ]


@pytest.mark.parametrize("processes", [1, 2])
def test_one_process_or_several_examine_alike_and_in_order(tmp_path, monkeypatch, processes):
    landing = tmp_path / "landing" / "inspections"
    inputs = _inputs(landing)
    alone = [examine(kind, path, Paths(tmp_path / "alone")) for kind, path in inputs]

    monkeypatch.setattr(examine_module, "PROCESSES_FROM_INPUTS", 1)  # a small batch, shared anyway
    said = []
    found = examine_all(examine, inputs, Paths(tmp_path / "batch"), said.append, processes=processes)

    assert [e.source.name for e in said] == ["cheshire-2013", "cumbria-2013", "derbyshire-2013"]
    assert _described(found) == _described(said)
    # The same key is not shared between the two data directories: compare what does not depend on it.
    assert [(name, sha, ok, findings) for name, sha, ok, findings, _ in _described(found)] == \
        [(name, sha, ok, findings) for name, sha, ok, findings, _ in _described(alone)]
    assert [e.ok for e in found] == [True, False, True]
    assert any("answers.csv" in f and "row" in f for f in _described(found)[1][3])


def test_a_rebuild_examines_the_archived_copies_as_into_an_empty_programme(tmp_path):
    p = Paths(tmp_path / "home")
    inputs = _inputs(tmp_path / "landing" / "inspections")
    for kind, path in inputs:
        examine(kind, path, p)
    archived = sorted(archived_inputs(p.archive, "inspections"), key=lambda a: a.received_at)
    again = examine_all(examine_archived, [("inspection", a) for a in archived], p)
    assert sorted((e.source.name, e.ok) for e in again) == [
        ("cheshire-2013", True), ("cumbria-2013", False), ("derbyshire-2013", True)]
    assert all(Path(e.source.files[0]).is_relative_to(p.archive) for e in again)
