"""Raw returns as received, content-addressed and never modified: archive/<kind>/<sha256>/.

The hash covers every file's name and bytes, so an identical resubmission lands on the same
folder (and is recognised as already processed) while any change gives a new one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from flows.contract import READY_MARKER, ReturnSource


@dataclass(frozen=True)
class ArchivedReturn:
    sha256: str
    folder: Path
    received_at: dt.datetime
    already_archived: bool


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def return_files(source: ReturnSource) -> list[Path]:
    # The completion marker and hidden files (editor/OS litter) are not content.
    return [p for p in source.files if p.name != READY_MARKER and not p.name.startswith(".")]


def content_hash(source: ReturnSource) -> tuple[str, dict[str, str]]:
    per_file = {p.name: _file_digest(p) for p in return_files(source)}
    combined = hashlib.sha256()
    for name in sorted(per_file):
        combined.update(f"{name}\0{per_file[name]}\n".encode())
    return combined.hexdigest(), per_file


def archive_return(source: ReturnSource, archive_root: Path, kind: str = "inspections") -> ArchivedReturn:
    """Copy the return into the archive (read-only) unless that exact content is already there."""
    sha256, per_file = content_hash(source)
    folder = archive_root / kind / sha256
    now = dt.datetime.now(dt.timezone.utc)
    if (folder / "receipt.json").exists():
        receipt = json.loads((folder / "receipt.json").read_text())
        return ArchivedReturn(sha256, folder, dt.datetime.fromisoformat(receipt["received_at"]), True)
    staging = folder.with_name(f".{sha256}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for path in return_files(source):
        target = staging / path.name
        shutil.copyfile(path, target)
        target.chmod(stat.S_IRUSR | stat.S_IRGRP)
    receipt = {
        "sha256": sha256,
        "return_name": source.name,
        "kind": source.kind,
        "received_from": str(source.path),
        "received_at": now.isoformat(),
        "files": per_file,
    }
    (staging / "receipt.json").write_text(json.dumps(receipt, indent=2) + "\n")
    (staging / "receipt.json").chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        staging.rename(folder)  # atomic: a half-copied return is never seen as archived
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)  # another process archived it first
        if not (folder / "receipt.json").exists():
            raise
    return ArchivedReturn(sha256, folder, now, False)
