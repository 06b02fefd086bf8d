"""Hostile and careless inputs, sent as a sender would send them: each is rejected with exit 1 and
a finding naming the file (and the key or row), nothing from outside the return is copied
anywhere, no value of the return leaves the rejection, and nothing published changes.

Runs the real ingest flow (real server, GX suites, warehouse) in this process, and the real
`iaow ingest` command where the exit code and what it prints are the point.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import socket
import unicodedata
import zipfile
from pathlib import Path

import pytest

from flows.config import paths
from tests.factories import ALIAS_BOMB
from tests.return_edits import rewrite_csv, workbook_from_folder
from tests.support import ingest, run_iaow, sha256_of

KEY_MARKER = b"HOSTILE-TEST-SECRET-KEY-0123456789abcdef"


@pytest.fixture
def secret_file(tmp_path) -> Path:
    """A file outside the return that a link in it points to (the pseudonym key, say)."""
    secret = tmp_path / "secrets" / "pseudonym.key"
    secret.parent.mkdir()
    secret.write_bytes(KEY_MARKER)
    return secret


def published_state():
    p = paths()
    return sha256_of(p.published_db), sha256_of(p.private_db)


def everything_written(root: Path) -> bytes:
    """Every byte the platform wrote under its data directory (archive, quarantine, logs, ...)."""
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink() and "landing" not in path.relative_to(root).parts:
            try:
                found.append(path.read_bytes())
            except OSError:
                pass
    return b"\n".join(found)


# ---------------------------------------------------------------- senders' mistakes and attacks


def link_to(secret_name: str):
    def mutate(folder: Path, secret: Path) -> Path:
        (folder / secret_name).unlink()
        (folder / secret_name).symlink_to(secret)
        return folder
    return mutate


def hard_link(folder: Path, secret: Path) -> Path:
    (folder / "context.csv").unlink()
    os.link(secret, folder / "context.csv")
    return folder


def subfolder(folder: Path, secret: Path) -> Path:
    (folder / "context.csv").unlink()
    (folder / "context.csv").mkdir()
    (folder / "context.csv" / "inside.csv").write_bytes(KEY_MARKER)
    return folder


def fifo(folder: Path, secret: Path) -> Path:
    (folder / "context.csv").unlink()
    os.mkfifo(folder / "context.csv")
    return folder


def unix_socket(folder: Path, secret: Path) -> Path:
    (folder / "context.csv").unlink()
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "context.csv"))
    server.close()
    return folder


def oversized(folder: Path, secret: Path) -> Path:
    from flows.sources.registry import kind_named

    limit = kind_named("inspection").limits.file_bytes
    with open(folder / "context.csv", "ab") as handle:
        handle.truncate(limit + 1)  # sparse: costs no disk
    return folder


def yaml_text(text: str):
    def mutate(folder: Path, secret: Path) -> Path:
        (folder / "inspection.yaml").write_text(text)
        return folder
    return mutate


def yaml_line(key: str, raw: str):
    """inspection.yaml with one key's line written as `key: raw`, exactly (unquoted)."""
    def mutate(folder: Path, secret: Path) -> Path:
        lines = (folder / "inspection.yaml").read_text().splitlines()
        lines = [f"{key}: {raw}" if line.startswith(f"{key}:") else line for line in lines]
        (folder / "inspection.yaml").write_text("\n".join(lines) + "\n")
        return folder
    return mutate


def duplicate_yaml_key(folder: Path, secret: Path) -> Path:
    with open(folder / "inspection.yaml", "a") as handle:
        handle.write("area: Somewhere Else\n")
    return folder


def nfd_duplicate_case(folder: Path, secret: Path) -> Path:
    """Two cases whose references differ only in Unicode normalisation: one case, twice."""
    def change(rows):
        rows[1][0] = unicodedata.normalize("NFC", "SYN-HAM-É0001")
        rows[2][0] = unicodedata.normalize("NFD", "SYN-HAM-É0001")
        return rows
    rewrite_csv(folder / "cases.csv", change)
    return folder


def as_workbook(edit):
    """The return as one workbook, edited with openpyxl, then (optionally) its XML rewritten."""
    def mutate(folder: Path, secret: Path) -> Path:
        import openpyxl

        (folder.parent / "workbooks").mkdir(exist_ok=True)
        target = workbook_from_folder(folder, folder.parent / "workbooks" / f"{folder.name}.xlsx")
        workbook = openpyxl.load_workbook(target)
        edit(workbook)
        workbook.save(target)
        return target
    return mutate


def hide_sheet(workbook):
    workbook["context"].sheet_state = "hidden"


def colliding_sheet(workbook):
    workbook.copy_worksheet(workbook["cases"]).title = "cases "


def dimension_bomb(folder: Path, secret: Path) -> Path:
    """A small workbook whose cases sheet declares the whole grid as its dimension."""
    target = as_workbook(lambda workbook: None)(folder, secret)
    with zipfile.ZipFile(target) as original:
        parts = {info.filename: original.read(info) for info in original.infolist()}
    for name, data in parts.items():
        if name.startswith("xl/worksheets/sheet") and b"<dimension" in data:
            start = data.index(b"<dimension")
            end = data.index(b"/>", start) + 2
            parts[name] = data[:start] + b'<dimension ref="A1:XFD1048576"/>' + data[end:]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bombed:
        for name, data in parts.items():
            bombed.writestr(name, data)
    return target


# (id, mutation, file the finding must name, text its location must hold)
HOSTILE = [
    ("symlink-to-the-key", link_to("cases.csv"), "cases.csv", ""),
    ("hard-link-to-the-key", hard_link, "context.csv", ""),
    ("folder-inside-the-return", subfolder, "context.csv", ""),
    ("named-pipe", fifo, "context.csv", ""),
    ("unix-socket", unix_socket, "context.csv", ""),
    ("file-over-the-size-limit", oversized, "context.csv", ""),
    ("yaml-alias-bomb", yaml_text(ALIAS_BOMB), "inspection.yaml", "row"),
    ("yaml-python-tag", yaml_line("area", "!!python/object/apply:os.system ['true']"), "inspection.yaml", ""),
    ("yaml-duplicate-key", duplicate_yaml_key, "inspection.yaml", ""),
    ("yaml-list-where-text-belongs", yaml_line("area", "[A, B]"), "inspection.yaml", ""),
    ("unquoted-impossible-date", yaml_line("fieldwork_start", "2013-02-30"), "inspection.yaml", "key fieldwork_start"),
    ("full-width-digit", yaml_line("position_in_group", "\uff15"), "inspection.yaml", "key position_in_group"),
    ("formula-as-area", yaml_line("area", "'=HYPERLINK(\"http://example.invalid/\",\"x\")'"), "inspection.yaml", "key area"),
    ("same-case-in-nfc-and-nfd", nfd_duplicate_case, "cases.csv", "rows 2-3"),
    ("hidden-sheet", as_workbook(hide_sheet), "hampshire-2013.xlsx", "sheet context"),
    ("sheet-names-differ-only-in-spaces", as_workbook(colliding_sheet), "hampshire-2013.xlsx", "sheet cases"),
    ("declared-dimension-bomb", dimension_bomb, "hampshire-2013.xlsx", "sheet"),
]


@pytest.mark.parametrize("mutate, file, location", [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_hostile_input_is_rejected_naming_the_file_and_nothing_else_happens(hampshire_copy, secret_file, mutate, file,
                                                                          location):
    from flows.cli import report_outcome

    p = paths()
    before = published_state()
    sent = mutate(hampshire_copy, secret_file)

    outcome = ingest(sent)

    assert outcome.status == "rejected", outcome.summary
    described = [f.describe() for f in outcome.findings]
    assert any(text.startswith(file) and location in text for text in described), described
    assert report_outcome(outcome) == 1
    assert published_state() == before
    assert KEY_MARKER not in everything_written(p.home)


def test_the_command_exits_1_for_a_link_and_says_which_file(hampshire_copy, secret_file):
    link_to("cases.csv")(hampshire_copy, secret_file)
    before = published_state()

    result = run_iaow("ingest", str(hampshire_copy))

    assert result.returncode == 1, result.stdout + result.stderr
    assert "cases.csv" in result.stdout + result.stderr and "symbolic link" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert published_state() == before
    assert KEY_MARKER not in everything_written(paths().home)


def test_a_linked_return_folder_is_refused_whole(demo_home, tmp_path, secret_file):
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "inspection.yaml").write_bytes(KEY_MARKER)
    linked = tmp_path / "landing" / "lincolnshire-2014"
    linked.parent.mkdir()
    linked.symlink_to(target, target_is_directory=True)
    before = published_state()

    outcome = ingest(linked)

    assert outcome.status == "rejected"
    assert [f.rule_id for f in outcome.findings] == ["return.files.regular"]
    assert published_state() == before
    assert KEY_MARKER not in everything_written(paths().home)


# ---------------------------------------------------------------- no value leaves a rejection

MARKER = "PLANTED-VALUE"


def plant_markers(folder: Path) -> Path:
    """Every cell of every table, its header included, and every key and value of inspection.yaml
    hold a marker: the header is not the contract's, so the return is rejected."""
    for table in sorted(folder.glob("*.csv")):
        rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8-sig"))))
        marked = [[f"{MARKER}-{table.stem}-{r}-{c}" for c in range(len(row))] for r, row in enumerate(rows)]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(marked)
        table.write_text(buffer.getvalue())
    lines = (folder / "inspection.yaml").read_text().splitlines()
    (folder / "inspection.yaml").write_text(
        "".join(f"{MARKER}-key-{n}: {MARKER}-value-{n}\n" for n in range(len(lines)))
    )
    return folder


def test_no_value_of_a_rejected_return_reaches_any_output(hampshire_copy):
    p = paths()
    folder = plant_markers(hampshire_copy)
    (folder.parent / "headerless").mkdir()
    headerless = folder.parent / "headerless" / folder.name
    folder.rename(headerless)  # the same return, sent as it is: the first row of data as its header

    result = run_iaow("ingest", str(headerless))
    assert result.returncode == 1, result.stdout + result.stderr
    assert MARKER not in result.stdout + result.stderr

    written = everything_written(p.home).decode("utf-8", "replace")
    # the quarantined copy of what was received holds the values, as it must: nothing else may
    received = b"\n".join(
        path.read_bytes() for path in p.quarantine.rglob("*") if path.is_file() and path.parent.name == "return"
    ).decode("utf-8", "replace")
    assert written.count(MARKER) == received.count(MARKER) + archived_marker_count(p), "a value left the rejection"

    status = run_iaow("status")
    assert MARKER not in status.stdout + status.stderr
    assert MARKER not in prefect_outputs(f"ingest-{headerless.name}")


def archived_marker_count(p) -> int:
    """The archive keeps what was received, values and all (the system of record)."""
    return sum(
        path.read_bytes().decode("utf-8", "replace").count(MARKER)
        for path in p.archive.rglob("*") if path.is_file()
    )


def prefect_outputs(run_name: str) -> str:
    """The state messages, logs and artifacts Prefect holds for runs of this name."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, FlowRunFilter, FlowRunFilterName, LogFilter, LogFilterFlowRunId

    async def read() -> str:
        async with get_client() as client:
            runs = await client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[run_name])))
            assert runs, run_name
            ids = [run.id for run in runs]
            texts = [f"{run.state.name} {run.state.message}" for run in runs]
            logs = await client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=ids)))
            texts += [log.message for log in logs]
            artifacts = await client.read_artifacts(artifact_filter=ArtifactFilter())
            texts += [str(artifact.data) + str(artifact.description) for artifact in artifacts]
            return "\n".join(texts)

    return asyncio.run(read())
