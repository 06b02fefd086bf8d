"""The landing watcher: announces each complete input once, as its kind's landed event
(`iaow.return.landed` for inspection returns, `iaow.survey.landed` for survey deliveries).

A folder input is complete when its sender has written `_READY` into it (last); a workbook when
`<id>.xlsx` exists under its final name (senders write `<id>.xlsx.part`, then rename). The
watcher polls `landing/<kind>/` for every input kind (polling works on every file system,
including network shares where change notifications do not) and keeps a ledger of the content
hashes it has announced, so the same input is never announced twice, and inputs that landed
while it was down are announced when it starts. An input whose exact content is already
published is not announced either (the demo's returns, after `make demo`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from flows.config import Paths
from flows.sources.base import READY_MARKER, WORKBOOK_SUFFIX, InputKind
from flows.sources.registry import KINDS, kind_named
from flows.storage.archive import content_hash
from flows.storage.files import write_atomically
from flows.storage.warehouse import committed

log = logging.getLogger("iaow.watcher")
POLL_SECONDS = 1.0


@dataclass(frozen=True)
class LandedReturn:
    return_id: str  # the inspection id, or the survey id of a delivery
    path: str
    sha256: str
    landed_at: str  # ISO 8601, UTC
    kind: str = "inspection"  # the input kind's name


def complete_returns(landing_dir: Path, workbooks: bool = True) -> list[Path]:
    """Folders with `_READY` (and workbooks under their final name), oldest first."""
    if not landing_dir.is_dir():
        return []
    found = []
    for entry in landing_dir.iterdir():
        if entry.name.startswith((".", "~$")):
            continue  # hidden files and Excel's lock files
        if entry.is_dir() and (entry / READY_MARKER).is_file():
            found.append(entry)
        elif workbooks and entry.is_file() and entry.suffix.lower() == WORKBOOK_SUFFIX:
            found.append(entry)
    return sorted(found, key=lambda path: (path.stat().st_mtime, path.name))


class Ledger:
    """Content hashes already announced, in `run/landed.json` (rewritten atomically)."""

    def __init__(self, file: Path):
        self.file = file
        try:
            self.entries: dict[str, dict] = json.loads(file.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            self.entries = {}
        for entry in self.entries.values():
            if "inspection_id" in entry:  # ledgers written before survey deliveries
                entry["return_id"] = entry.pop("inspection_id")

    def __contains__(self, sha256: str) -> bool:
        return sha256 in self.entries

    def add(self, landed: LandedReturn) -> None:
        self.entries[landed.sha256] = asdict(landed)
        write_atomically(self.file, json.dumps(self.entries, indent=1, sort_keys=True))

    def latest_by_id(self, kind: str) -> dict[str, LandedReturn]:
        """The input the watcher saw last under each id of one kind."""
        latest: dict[str, LandedReturn] = {}
        for entry in sorted(self.entries.values(), key=lambda e: e["landed_at"]):
            if entry.get("kind", "inspection") == kind:
                latest[entry["return_id"]] = LandedReturn(**entry)
        return latest


def published_hashes(p: Paths) -> set[str]:
    state = committed(p)
    return set().union(*(kind.published_hashes(state) for kind in KINDS))


class ContentHashes:
    """Content hashes of inputs, recomputed only when a file's size or modification time changes:
    the watcher looks every second, and reading every waiting input each time is wasted work."""

    def __init__(self) -> None:
        self._known: dict[tuple, str] = {}

    def of(self, kind: InputKind, path: Path) -> str:
        source = kind.locate(path)
        signature = (str(path), source.refused, *((f.name, f.lstat().st_size, f.lstat().st_mtime_ns) for f in source.files))
        if signature not in self._known:
            # the hash the archive will give it: links refused, never followed; the kind's size limit
            self._known[signature] = content_hash(source.files, source.refused, kind.limits.file_bytes)[0]
        return self._known[signature]


def newly_landed(p: Paths, ledger: Ledger, hashes: ContentHashes | None = None) -> list[LandedReturn]:
    """Complete inputs whose content has been neither announced nor published."""
    hashes = hashes or ContentHashes()
    candidates = []
    for kind in KINDS:
        for path in complete_returns(p.landing / kind.landing_folder, workbooks=kind.accepts_workbooks):
            try:
                sha256 = hashes.of(kind, path)
            except OSError:
                continue  # vanished or unreadable mid-scan: seen again at the next poll
            if sha256 not in ledger:
                candidates.append((kind, path, sha256))
    if not candidates:
        return []  # the usual case: no need to open the warehouse
    published = published_hashes(p)
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    return [
        LandedReturn(path.name.removesuffix(WORKBOOK_SUFFIX), str(path), sha256, now, kind.name)
        for kind, path, sha256 in candidates
        if sha256 not in published
    ]


def announce(landed: LandedReturn, home_id: str) -> None:
    from flows.pipeline.events import emit

    emit(kind_named(landed.kind).landed(landed.return_id, landed.path, landed.sha256, home_id))


def scan_once(
    p: Paths, ledger: Ledger, emit: Callable[[LandedReturn], None], hashes: ContentHashes | None = None
) -> list[LandedReturn]:
    """Announce what is new; the ledger records it only after the event is handed over."""
    landed = newly_landed(p, ledger, hashes)
    for item in landed:
        emit(item)
        ledger.add(item)
        log.info("landed %s (%s)", item.path, item.sha256[:12])
    return landed


def watch(p: Paths, home_id: str, stop: Callable[[], bool], poll_seconds: float = POLL_SECONDS) -> None:
    from flows.runtime.services import server_healthy

    ledger = Ledger(p.landed_ledger)
    hashes = ContentHashes()
    while not stop():
        try:
            # Events are sent in the background and a lost one is not reported back, so nothing
            # is announced (and marked in the ledger) while the server does not answer.
            if server_healthy():
                scan_once(p, ledger, lambda item: announce(item, home_id), hashes)
        except Exception:  # keep watching: one bad scan must not stop the service
            log.exception("scan of %s failed", p.landing)
        time.sleep(poll_seconds)
