"""Rejected inputs: quarantine/<input id>/<sha256[:12]>/ holds a copy of what was received (for
the research team to inspect), the validation report (report.md, report.html) and summary.json
(what `iaow status` says of it). Every file is written whole or not at all, and is the owner's
only (files 600, folders 700): what was received holds case references and victims' comments.

A quarantined input is kept IAOW_QUARANTINE_DAYS from its (latest) rejection, then deleted by the
weekly maintenance run (`prune_quarantine`)."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.storage.files import PRIVATE_FILE, private_folder, write_private

RECEIVED_FOLDER = "return"
SUMMARY_FILE = "summary.json"
QUARANTINED_AT = "quarantined_at"  # when the input was (last) rejected; summaries of older versions lack it


def quarantine_folder(quarantine_root: Path, input_id: str, sha256: str) -> Path:
    return quarantine_root / input_id / sha256[:12]


def quarantine(quarantine_root: Path, input_id: str, sha256: str, files: Sequence[Path], reports: Mapping[str, str],
               summary: dict[str, Any]) -> Path:
    """Write the rejected input and its reports; a resubmitted identical input reuses its folder."""
    folder = quarantine_folder(quarantine_root, input_id, sha256)
    received = private_folder(folder / RECEIVED_FOLDER, quarantine_root)
    for path in files:
        target = received / path.name
        if not target.exists():
            partial = target.with_name(f"{target.name}.{os.getpid()}-{secrets.token_hex(4)}.part")
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_FILE)
            try:
                with open(path, "rb") as source, os.fdopen(descriptor, "wb") as copy:
                    shutil.copyfileobj(source, copy)
                partial.replace(target)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
    for name, text in reports.items():
        write_private(folder / name, text)
    quarantined_at = dt.datetime.now(dt.timezone.utc).isoformat()
    write_private(folder / SUMMARY_FILE, json.dumps({**summary, QUARANTINED_AT: quarantined_at}))
    return folder


def quarantine_summaries(quarantine_root: Path) -> list[tuple[str, dict[str, Any], list[str]]]:
    """(input id, summary, names of the files received) of every quarantined input, for `iaow status`.
    Summaries written before they named their input's kind have no "kind"."""
    found = []
    for summary in sorted(quarantine_root.glob(f"*/*/{SUMMARY_FILE}")) if quarantine_root.exists() else []:
        try:
            data = json.loads(summary.read_text())
        except (OSError, ValueError):
            continue
        received = summary.parent / RECEIVED_FOLDER
        names = sorted(path.name for path in received.iterdir()) if received.is_dir() else []
        found.append((summary.parent.parent.name, data, names))
    return found


# ------------------------------------------------------------------ retention


@dataclass(frozen=True)
class Pruned:
    input_id: str
    folder: Path
    rejected_at: dt.datetime


def rejected_at(folder: Path) -> dt.datetime:
    """When the input in `folder` was last rejected: its summary's `quarantined_at` (rewritten by
    every rejection of that content), else its `received_at` (summaries of older versions), else,
    when the summary cannot be read, the folder's modification time."""
    try:
        summary = json.loads((folder / SUMMARY_FILE).read_text(encoding="utf-8"))
        when = dt.datetime.fromisoformat(summary.get(QUARANTINED_AT) or summary["received_at"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        when = dt.datetime.fromtimestamp(os.lstat(folder).st_mtime, dt.timezone.utc)
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.timezone.utc)


def prune_quarantine(quarantine_root: Path, older_than: dt.timedelta, now: dt.datetime) -> list[Pruned]:
    """Delete every quarantined input rejected more than `older_than` before `now` (and an input's
    folder once none of its versions is left); what was deleted, oldest first. Links are never
    followed: one in quarantine/ is left where it is."""
    if older_than <= dt.timedelta(0):
        raise ValueError(f"a retention period must be positive, not {older_than}")
    cutoff = now - older_than
    pruned = []
    for input_folder in _folders(quarantine_root):
        before = len(pruned)
        for folder in _folders(input_folder):
            when = rejected_at(folder)
            if when < cutoff:
                shutil.rmtree(folder)
                pruned.append(Pruned(input_folder.name, folder, when))
        if len(pruned) > before:
            try:
                input_folder.rmdir()  # only if nothing of it is left
            except OSError:
                pass
    return sorted(pruned, key=lambda item: (item.rejected_at, str(item.folder)))


def _folders(parent: Path) -> list[Path]:
    if not parent.is_dir() or parent.is_symlink():
        return []
    return sorted(entry for entry in parent.iterdir() if entry.is_dir() and not entry.is_symlink())
