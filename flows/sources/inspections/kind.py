"""Inspection returns as an input kind: their names, and their stages wired to the interface."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from flows.core import events
from flows.core.catalogue import Catalogue
from flows.core.events import EventRecord
from flows.core.findings import Finding
from flows.core.inert import escape_markdown as md
from flows.core.pseudonyms import drop_free_text, pseudonymise_column
from flows.sources.base import WORKBOOK_SUFFIX, InputKind, Limits, Parsed, PublishedSummary, Receipt, Source, WarehouseReader
from flows.sources.inspections import read as reading
from flows.sources.inspections import rows as raw


class InspectionReturns(InputKind):
    name = "inspection"
    noun = "return"
    title = "inspection returns"
    header_file = reading.INSPECTION_FILE
    landing_folder = "inspections"
    accepts_workbooks = True
    id_key = "inspection_id"
    sha_column = "return_sha256"
    raw_tables = ("inspections", "cases", "answers", "victim_responses", "context")
    dimension = "dim_inspection"
    publication_reason = "return"
    flow_name = "ingest-return"
    run_prefix = "ingest"
    deployment_prefix = "on-landed"
    trigger_prefix = "return-landed"
    landed_event = events.RETURN_LANDED
    # a return is 50-90 cases: these allow ten times the largest answers table with room to spare
    limits = Limits(file_bytes=20 * 1024 * 1024, rows=100_000, columns=300, cells=3_000_000)

    def claims(self, path: Path) -> bool:
        # Any folder or workbook: a folder that is not a return at all is rejected naming the files it lacks.
        path = Path(path)
        return path.is_dir() or path.suffix.lower() == WORKBOOK_SUFFIX

    def locate(self, path: Path) -> Source:
        return reading.locate_return(path)

    def read(self, source: Source) -> Parsed:
        return reading.read_return(source, self.limits)

    def pseudonymise(self, parsed: Parsed, key: bytes) -> None:
        """Case references and victim respondent ids, scoped by the inspection; the comment dropped.
        Runs before validation, so neither GX nor anything after it ever holds a case reference."""
        scope = parsed.source.name
        for table_name in ("cases", "answers"):
            if table_name in parsed.tables:
                pseudonymise_column(parsed.tables[table_name].frame, "case_ref", key, scope)
        victims = parsed.tables.get("victim_questionnaire")
        if victims is not None:
            pseudonymise_column(victims.frame, "respondent_id", key, scope)
            drop_free_text(victims.frame, "comment")

    def validate(self, parsed: Parsed, catalogue: Catalogue, committed: WarehouseReader):
        from flows.sources.inspections import validate as checks  # GX: paid only by what validates

        return checks.validate_return(parsed, catalogue)

    def conflicts(self, parsed: Parsed, committed: WarehouseReader) -> list[Finding]:
        from flows.sources.inspections import validate as checks

        return checks.conflicts(parsed, committed)

    def inspection_of(self, parsed: Parsed) -> str | None:
        return self.input_id(parsed)

    def raw_rows(self, parsed: Parsed, catalogue: Catalogue, receipt: Receipt, publication_id: str) -> dict[str, pd.DataFrame]:
        return raw.raw_rows(parsed, receipt, publication_id)

    def summarise(self, built: WarehouseReader, input_id: str) -> PublishedSummary:
        scores = tuple(built.rows(
            "select outcome_code, outcome_name, score_pct from marts.fct_outcome_scores where inspection_id = ? "
            "order by outcome_code", [input_id]))
        text = "outcome scores " + ", ".join(f"{code}: {pct if pct is not None else '-'}%" for code, _, pct in scores)
        return PublishedSummary(text, scores)

    def announcements(self, parsed: Parsed, built: WarehouseReader, publication_id: str, sha256: str,
                      summary: PublishedSummary) -> list[EventRecord]:
        """iaow.scores.published; and iaow.group.completed when this publication leaves the whole
        group published (its last inspection, or a correction in a complete group): the group's
        report follows on it."""
        inspection_id, group_id = self.input_id(parsed), str(parsed.header["group_id"])
        owed = [EventRecord(
            events.SCORES_PUBLISHED,
            self.resource(inspection_id),
            {"publication_id": publication_id, "return_sha256": sha256, "inspection_id": inspection_id, "group_id": group_id,
             "reason": "return", "scores": {str(code): pct for code, _, pct in summary.scores}},
            [events.group_resource(group_id)],
        )]
        ((count, group_size),) = built.rows(
            "select (select count(*) from raw.inspections where group_id = ?), "
            "(select value::integer from methodology.programme_constants where constant = 'group_size')", [group_id])
        if count >= group_size:
            owed.append(EventRecord(
                events.GROUP_COMPLETED,
                events.group_resource(group_id),
                {"group_id": group_id, "n_inspections": count, "publication_id": publication_id},
            ))
        return owed

    def artifact_markdown(self, input_id: str, publication_id: str, sha256: str, summary: PublishedSummary,
                          suites_markdown: list[str]) -> str:
        return "\n".join([
            f"# {md(input_id)}: published", "",
            f"Publication `{publication_id}`, return `{sha256}`.", "",
            "## Validation", "", *suites_markdown, "",
            "## Published outcome scores", "",
            "| Outcome | Name | Score |", "|---|---|---|",
            *[f"| {code} | {md(name)} | {pct if pct is not None else '-'}% |" for code, name, pct in summary.scores],
        ])


KIND = InspectionReturns()
