"""One way to write a file that readers may be looking at: beside it, then renamed over it.

A reader sees the old file or the new one, never half of one; a crash leaves the old file and a
`.part` leftover that the next write replaces. `replace_durably` also syncs the file and its
folder, so the rename survives a power cut.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def replace_durably(source: Path, target: Path) -> None:
    """Atomic rename that survives a power cut: file and directory are synced around it."""
    with open(source, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(source, target)
    sync_folder(target.parent)


def sync_folder(folder: Path) -> None:
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def write_atomically(target: Path, data: bytes | str, mode: int | None = None) -> Path:
    """Write `target` whole or not at all (text is written as UTF-8)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    # a name of its own: two writers of one file (two runs rejecting the same input) never share it
    partial = target.with_name(f"{target.name}.{os.getpid()}-{secrets.token_hex(4)}.part")
    try:
        partial.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        if mode is not None:
            partial.chmod(mode)
        replace_durably(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)  # a failed write leaves the old file and nothing else
        raise
    return target


def fresh_scratch(target: Path) -> Path:
    """An empty place for a file being built: a crashed run's leftovers (and their WAL) are discarded."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (target, target.with_name(target.name + ".wal")):
        leftover.unlink(missing_ok=True)
    return target
