"""Inputs as received, content-addressed and never modified: archive/<kind>/<sha256>/.

The archive is the platform's system of record: the first thing an ingest does is copy what
landed here, and everything after (parsing, validation, loading, quarantine) reads the archived
copy, never the landing area again, so what is published is exactly what was archived and hashed.
The hash covers every file's name and bytes, so an identical resubmission lands on the same
folder (and is recognised as already processed) while any change gives a new one.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from flows.core.entries import describe_entry
from flows.storage.files import PRIVATE_FOLDER, private_folder, sync_folder

RECEIPT = "receipt.json"
READ_ONLY = stat.S_IRUSR  # the owner's only: archived inputs hold personal data
OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


@dataclass(frozen=True)
class Archived:
    sha256: str
    folder: Path
    received_at: dt.datetime
    already_archived: bool
    files: tuple[Path, ...]  # the archived copies, in name order (no receipt)
    refused: tuple[tuple[str, str], ...] = ()  # (name, what it is) of entries not taken: never copied


class Refused(Exception):
    """An entry of an input that is not a plain regular file within the limits: it is never read."""

    def __init__(self, name: str, what: str):
        super().__init__(f"{name}: {what}")
        self.name, self.what = name, what


def read_regular(path: Path, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file with one name, or Refused.

    The file is opened without following a link (O_NOFOLLOW; O_NONBLOCK so a pipe cannot hang the
    worker), and judged by what was opened (fstat), not by its path: a link swapped in after a
    listing is still refused. At most `max_bytes` are read, whatever the file claims.
    """
    path = Path(path)
    try:
        handle = os.open(path, OPEN_FLAGS)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise Refused(path.name, "a symbolic link") from None
        if error.errno in (errno.ENXIO, errno.EOPNOTSUPP):
            raise Refused(path.name, "a device, socket or pipe") from None
        raise
    try:
        info = os.fstat(handle)
        what = describe_entry(info.st_mode, info.st_nlink)
        if what is not None:
            raise Refused(path.name, what)
        if max_bytes is not None and info.st_size > max_bytes:
            raise Refused(path.name, too_large(max_bytes))
        with os.fdopen(handle, "rb", closefd=False) as stream:
            data = stream.read(max_bytes + 1 if max_bytes is not None else -1)
        if max_bytes is not None and len(data) > max_bytes:
            raise Refused(path.name, too_large(max_bytes))  # it grew while being read
        return data
    finally:
        os.close(handle)


def too_large(max_bytes: int) -> str:
    return f"larger than the limit of {max_bytes / (1024 * 1024):g} MB for one file"


def content_hash(files: Sequence[Path], refused: Sequence[tuple[str, str]] = (),
                 max_bytes: int | None = None) -> tuple[str, dict[str, str]]:
    """One hash of every file's name and bytes, and of the names of the entries refused; and each
    file's own hash. Files are read as `read_regular` reads them; one refused now is counted so."""
    per_file, refusals = {}, dict(refused)
    for path in files:
        try:
            per_file[Path(path).name] = hashlib.sha256(read_regular(path, max_bytes)).hexdigest()
        except Refused as refusal:
            refusals[refusal.name] = refusal.what
    return _combined(per_file, refusals), per_file


def _combined(per_file: dict[str, str], refusals: dict[str, str]) -> str:
    combined = hashlib.sha256()
    for name in sorted(per_file):
        combined.update(f"{name}\0{per_file[name]}\n".encode())
    for name in sorted(refusals):  # an input with refusals never shares a hash with one without
        combined.update(f"{name}\0refused\0{refusals[name]}\n".encode())
    return combined.hexdigest()


def archive_files(files: Sequence[Path], archive_root: Path, kind_folder: str, *, name: str, layout: str,
                  received_from: Path, refused: Sequence[tuple[str, str]] = (),
                  max_file_bytes: int | None = None) -> Archived:
    """Copy `files` into archive/<kind_folder>/<sha256>/ (owner-only, read-only) unless that exact
    content is there.

    Each file is read once, as `read_regular` reads it, and the archived copy is written from those
    bytes: the hash is of what was archived, never of a file rewritten in between. An entry refused
    (a link, a folder, a device, a file over the limit) is named in the receipt and the hash, and
    nothing of it is copied.
    """
    root = private_folder(archive_root / kind_folder, archive_root)
    staging = root / f".partial-{os.getpid()}-{dt.datetime.now(dt.timezone.utc):%H%M%S%f}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(mode=PRIVATE_FOLDER)
    try:
        refusals = dict(refused)
        per_file = {}
        for path in files:
            try:
                data = read_regular(path, max_file_bytes)
            except Refused as refusal:
                refusals[refusal.name] = refusal.what
                continue
            copy = staging / Path(path).name
            descriptor = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, READ_ONLY | stat.S_IWUSR)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            per_file[copy.name] = hashlib.sha256(data).hexdigest()
        sha256 = _combined(per_file, refusals)
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
            "refused": refusals,
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
        return Archived(sha256, folder, now, False, tuple(sorted(folder / n for n in per_file)),
                        tuple(sorted(refusals.items())))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _already(folder: Path, sha256: str) -> Archived:
    receipt = json.loads((folder / RECEIPT).read_text())
    files = tuple(sorted(folder / name for name in receipt["files"]))
    refused = tuple(sorted((receipt.get("refused") or {}).items()))
    return Archived(sha256, folder, dt.datetime.fromisoformat(receipt["received_at"]), True, files, refused)


def archived_inputs(archive_root: Path, kind_folder: str) -> list[Archived]:
    """Every input of a kind the archive holds (an unreadable receipt is skipped: its folder was
    never completed), oldest first by first receipt."""
    found = []
    root = archive_root / kind_folder
    for receipt in sorted(root.glob(f"*/{RECEIPT}")) if root.is_dir() else []:
        try:
            found.append(_already(receipt.parent, receipt.parent.name))
        except (OSError, ValueError, KeyError):
            continue
    return sorted(found, key=lambda archived: (archived.received_at, archived.sha256))


def receipt_of(archived: Archived) -> dict:
    return json.loads((archived.folder / RECEIPT).read_text())
