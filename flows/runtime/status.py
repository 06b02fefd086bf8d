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
    return [
        _status_of(inspection_id, landed.get(inspection_id), published.get(inspection_id), rejections.get(inspection_id, []))
        for inspection_id in sorted(published.keys() | rejections.keys() | landed.keys())
    ]


def _status_of(inspection_id: str, latest, published: tuple[str, str] | None, rejections: list[dict]) -> InspectionStatus:
    """The state of the inspection's latest return: the one the watcher saw last, else the newest known."""
    rejected = {r["return_sha256"]: r for r in rejections}
    published_sha, published_at = published or (None, None)
    if latest is not None and latest.sha256 not in rejected and latest.sha256 != published_sha:
        return InspectionStatus(inspection_id, "landed", latest.landed_at[:19].replace("T", " "))
    latest_rejection = rejected.get(latest.sha256) if latest is not None else None
    if latest_rejection is None and published_sha is None:
        latest_rejection = max(rejections, key=lambda r: r["received_at"])
    if latest_rejection is None:
        return InspectionStatus(inspection_id, "published", published_at)
    note = f" (scores of an earlier return stay published since {published_at})" if published_at else ""
    return InspectionStatus(
        inspection_id,
        "rejected",
        latest_rejection["received_at"][:19].replace("T", " "),
        f"{latest_rejection['problems']} problem(s), first {latest_rejection['first_problem']}{note}",
    )


def published_surveys(p: Paths) -> list[str]:
    """One line per published offender survey delivery: id, year, when."""
    if not table_exists(p.published_db, "marts", "dim_survey"):
        return []
    rows = query(p.published_db, "select survey_id, survey_year, published_at from marts.dim_survey order by survey_id")
    return [f"{survey_id:<28} survey year {year}, published {at:%Y-%m-%d %H:%M:%S %Z}" for survey_id, year, at in rows]
