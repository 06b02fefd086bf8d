"""Where each inspection's latest return stands, for `iaow status`: landed, published (when) or
rejected (why). Read from the landing watcher's ledger, the published warehouse and quarantine."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flows.config import Paths
from flows.warehouse import query, table_exists
from flows.watcher import Ledger


@dataclass(frozen=True)
class InspectionStatus:
    inspection_id: str
    state: str  # "published", "rejected" or "landed" (announced, not finished yet)
    when: str
    detail: str = ""

    def describe(self) -> str:
        if self.state == "published":
            return f"published {self.when}{self.detail}"
        if self.state == "rejected":
            return f"REJECTED {self.when}: {self.detail}"
        return f"landed {self.when}, being validated and published"


def _published(p: Paths) -> dict[str, tuple[str, str]]:
    if not table_exists(p.published_db, "marts", "dim_inspection"):
        return {}
    rows = query(p.published_db, "select inspection_id, return_sha256, published_at from marts.dim_inspection")
    return {i: (sha, f"{at:%Y-%m-%d %H:%M:%S %Z}") for i, sha, at in rows}


def _rejections(p: Paths) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for summary in sorted(p.quarantine.glob("*/*/summary.json")) if p.quarantine.exists() else []:
        found.setdefault(summary.parent.parent.name, []).append(json.loads(summary.read_text()))
    return found


def inspection_statuses(p: Paths) -> list[InspectionStatus]:
    published = _published(p)
    rejections = _rejections(p)
    landed = Ledger(p.run / "landed.json").latest_by_inspection()
    statuses = []
    for inspection_id in sorted(published.keys() | rejections.keys() | landed.keys()):
        latest = landed.get(inspection_id)
        sha, published_at = published.get(inspection_id, (None, None))
        rejected = {r["return_sha256"]: r for r in rejections.get(inspection_id, [])}
        if latest is not None and latest.sha256 not in (sha, *rejected):
            statuses.append(InspectionStatus(inspection_id, "landed", latest.landed_at[:19].replace("T", " ")))
        elif latest is not None and latest.sha256 in rejected or sha is None:
            newest = rejected[latest.sha256] if latest is not None and latest.sha256 in rejected else max(
                rejections[inspection_id], key=lambda r: r["received_at"])
            note = f" (scores of an earlier return stay published since {published_at})" if published_at else ""
            statuses.append(InspectionStatus(
                inspection_id, "rejected", newest["received_at"][:19].replace("T", " "),
                f"{newest['problems']} problem(s), first {newest['first_problem']}{note}"))
        else:
            statuses.append(InspectionStatus(inspection_id, "published", published_at))
    return statuses
