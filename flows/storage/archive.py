"""Inputs as received, content-addressed and never modified: archive/<kind>/<sha256>/.

The archive is the platform's system of record: the first thing an ingest does is copy what
landed here, and everything after (parsing, validation, loading, quarantine) reads the archived
copy, never the landing area again, so what is published is exactly what was archived and hashed.
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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from flows.storage.files import sync_folder

RECEIPT = "receipt.json"
READ_ONLY = stat.S_IRUSR | stat.S_IRGRP


@dataclass(frozen=True)
class Archived:
    sha256: str
    folder: Path
    received_at: dt.datetime
    already_archived: bool
    files: tuple[Path, ...]  # the archived copies, in name order (no receipt)


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def content_hash(files: Sequence[Path]) -> tuple[str, dict[str, str]]:
    """One hash of every file's name and bytes; and each file's own."""
    per_file = {path.name: file_digest(path) for path in files}
    combined = hashlib.sha256()
    for name in sorted(per_file):
        combined.update(f"{name}\0{per_file[name]}\n".encode())
    return combined.hexdigest(), per_file


def archive_files(files: Sequence[Path], archive_root: Path, kind_folder: str, *, name: str, layout: str,
                  received_from: Path) -> Archived:
    """Copy `files` into archive/<kind_folder>/<sha256>/ (read-only) unless that exact content is there.

    The copies are hashed, not the originals, so a file rewritten while it was being copied
    cannot give a folder whose name is not its content's hash.
    """
    root = archive_root / kind_folder
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".partial-{os.getpid()}-{dt.datetime.now(dt.timezone.utc):%H%M%S%f}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        for path in files:
            shutil.copyfile(path, staging / path.name)
        copies = sorted(staging / path.name for path in files)
        sha256, per_file = content_hash(copies)
        folder = root / sha256
        if (folder / RECEIPT).exists():
            return _already(folder, sha256)
        now = dt.datetime.now(dt.timezone.utc)
        receipt = {
            "sha256": sha256,
            "return_name": name,
            "kind": layout,
            "received_from": str(received_from),
            "received_at": now.isoformat(),
            "files": per_file,
        }
        (staging / RECEIPT).write_text(json.dumps(receipt, indent=2) + "\n")
        for path in staging.iterdir():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
            path.chmod(READ_ONLY)
        try:
            staging.rename(folder)  # atomic: a half-copied input is never seen as archived
        except OSError:
            if (folder / RECEIPT).exists():  # another process archived it first
                return _already(folder, sha256)
            raise
        sync_folder(root)
        return Archived(sha256, folder, now, False, tuple(folder / copy.name for copy in copies))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _already(folder: Path, sha256: str) -> Archived:
    receipt = json.loads((folder / RECEIPT).read_text())
    files = tuple(sorted(folder / name for name in receipt["files"]))
    return Archived(sha256, folder, dt.datetime.fromisoformat(receipt["received_at"]), True, files)
