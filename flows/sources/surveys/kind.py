"""Offender survey deliveries as an input kind: their names, and their stages wired to the interface."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from flows.core import events
from flows.core.catalogue import Catalogue
from flows.core.events import EventRecord
from flows.core.pseudonyms import pseudonymise_column
from flows.sources.base import InputKind, Limits, Parsed, PublishedSummary, Receipt, Source, WarehouseReader
from flows.sources.surveys import read as reading
from flows.sources.surveys import rows as raw


class SurveyDeliveries(InputKind):
    name = "survey"
    noun = "delivery"
    title = "offender survey deliveries"
    header_file = reading.SURVEY_FILE
    landing_folder = "surveys"
    accepts_workbooks = False
    id_key = "survey_id"
    sha_column = "delivery_sha256"
    raw_tables = ("surveys", "survey_responses")
    dimension = "dim_survey"
    publication_reason = "survey"
    flow_name = "ingest-survey"
    run_prefix = "survey"
    deployment_prefix = "on-survey-landed"
    trigger_prefix = "survey-landed"
    landed_event = events.SURVEY_LANDED
    # a national year is about 10,000 responses to a few dozen questions: twenty times that fits
    limits = Limits(file_bytes=50 * 1024 * 1024, rows=200_000, columns=200, cells=5_000_000)

    def claims(self, path: Path) -> bool:
        return reading.is_survey_delivery(path)

    def locate(self, path: Path) -> Source:
        return reading.locate_delivery(path)

    def read(self, source: Source) -> Parsed:
        return reading.read_delivery(source, self.limits)

    def pseudonymise(self, parsed: Parsed, key: bytes) -> None:
        """Response ids are the survey contractor's: keyed like case references, per delivery."""
        pseudonymise_column(parsed.tables[reading.RESPONSES_TABLE].frame, "response_id", key, parsed.source.name)

    def validate(self, parsed: Parsed, catalogue: Catalogue, committed: WarehouseReader):
        from flows.sources.surveys import validate as checks  # GX: paid only by what validates

        return checks.validate_delivery(parsed, catalogue, checks.known_areas(catalogue, committed))

    def raw_rows(self, parsed: Parsed, catalogue: Catalogue, receipt: Receipt, publication_id: str) -> dict[str, pd.DataFrame]:
        return raw.raw_rows(parsed, catalogue, receipt, publication_id)

    def summarise(self, built: WarehouseReader, input_id: str) -> PublishedSummary:
        """What a delivery published: responses and areas (counts only)."""
        found = built.rows(
            "select count(distinct response_key), count(distinct area) from raw.survey_responses where survey_id = ?",
            [input_id]) if built.has_table("raw", "survey_responses") else []
        responses, areas = found[0] if found else (0, 0)
        return PublishedSummary(f"{responses} responses from {areas} areas")

    def announcements(self, parsed: Parsed, built: WarehouseReader, publication_id: str, sha256: str,
                      summary: PublishedSummary) -> list[EventRecord]:
        survey_id = self.input_id(parsed)
        return [EventRecord(
            events.SURVEY_PUBLISHED,
            self.resource(survey_id),
            {"publication_id": publication_id, "delivery_sha256": sha256, "survey_id": survey_id},
        )]


KIND = SurveyDeliveries()
