"""Rejected inputs: quarantine/<input id>/<sha256[:12]>/ holds a copy of what was received (for
the research team to inspect), the validation report (report.md, report.html) and summary.json
(what `iaow status` says of it). Every file is written whole or not at all."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from flows.storage.files import write_atomically

RECEIVED_FOLDER = "return"
SUMMARY_FILE = "summary.json"


def quarantine_folder(quarantine_root: Path, input_id: str, sha256: str) -> Path:
    return quarantine_root / input_id / sha256[:12]


def quarantine(quarantine_root: Path, input_id: str, sha256: str, files: Sequence[Path], reports: Mapping[str, str],
               summary: dict[str, Any]) -> Path:
    """Write the rejected input and its reports; a resubmitted identical input reuses its folder."""
    folder = quarantine_folder(quarantine_root, input_id, sha256)
    received = folder / RECEIVED_FOLDER
    received.mkdir(parents=True, exist_ok=True)
    for path in files:
        target = received / path.name
        if not target.exists():
            partial = target.with_name(target.name + ".part")
            shutil.copyfile(path, partial)
            partial.chmod(0o640)
            partial.replace(target)
    for name, text in reports.items():
        write_atomically(folder / name, text)
    write_atomically(folder / SUMMARY_FILE, json.dumps(summary))
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
