"""The ingest's guards, without Prefect running: what an event may name, and how refused entries
become findings."""

import datetime as dt

from flows.config import Paths
from flows.pipeline.examine import refused_findings
from flows.pipeline.ingest import outside_landing
from flows.sources.registry import kind_named
from flows.storage.archive import Archived


def test_only_paths_inside_the_landing_area_are_acted_on(tmp_path):
    p = Paths(tmp_path / "home")
    (p.landing / "inspections" / "hampshire-2013").mkdir(parents=True)
    assert not outside_landing(p.landing / "inspections" / "hampshire-2013", p)
    assert outside_landing(tmp_path / "elsewhere" / "hampshire-2013", p)
    assert outside_landing(p.landing / ".." / "secrets", p)  # `..` is resolved first
    assert outside_landing(p.home / "landing-not-really", p)
    (p.landing / "inspections" / "escape").symlink_to(tmp_path, target_is_directory=True)
    assert outside_landing(p.landing / "inspections" / "escape", p)  # and links


def test_each_refused_entry_is_a_finding_naming_it_and_what_it_is(tmp_path):
    archived = Archived("0" * 64, tmp_path, dt.datetime.now(dt.timezone.utc), False, (),
                        (("cases.csv", "a symbolic link"), ("context.csv", "a folder")))
    findings = refused_findings(kind_named("inspection"), archived)
    assert [f.describe() for f in findings] == [
        "cases.csv: a return may hold only regular files within the size limit: this is a symbolic link; nothing of it was read",
        "context.csv: a return may hold only regular files within the size limit: this is a folder; nothing of it was read",
    ]
    assert {f.rule_id for f in findings} == {"return.files.regular"}
