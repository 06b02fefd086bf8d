"""The survey flow: one offender survey delivery, from the landing area to published results.

archive raw -> parse -> pseudonymise response ids -> validate (GX; areas must be known) ->
[one writer at a time: finish any interrupted publication -> skip if unchanged -> load raw zone
into the next private warehouse -> dbt build + tests (disclosure control included) -> commit ->
publish]. The stages are the inspection flow's, in flows/ingest.py; only reading, validating
and loading a delivery differ.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.artifacts import acreate_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed

from flows import events
from flows.archive import ArchivedReturn, archive_return
from flows.catalogue import load_catalogue
from flows.config import Paths, paths
from flows.contract import ReturnSource
from flows.faults import crash_point
from flows.findings import Finding, ReturnRejected
from flows.ingest import (
    IngestOutcome,
    commit_and_publish,
    dbt_build_and_test,
    findings_from_dbt_tests,
    finish_interrupted_publication,
    reject,
)
from flows.load import Publication, load_survey_raw, new_publication, survey_rows
from flows.quarantine import suites_markdown
from flows.survey_delivery import ParsedSurvey, locate_delivery, read_delivery
from flows.transform import DbtBuildFailed
from flows.validate import ValidationResult, validate_delivery
from flows.warehouse import query, stage_next
from flows.writer import writer_slot

ARCHIVE_KIND = "surveys"


@task(name="archive-raw-delivery", cache_policy=NO_CACHE)
def archive_raw_delivery(source: ReturnSource, p: Paths) -> ArchivedReturn:
    return archive_return(source, p.archive, kind=ARCHIVE_KIND)


@task(name="parse-delivery", cache_policy=NO_CACHE)
def parse_delivery(source: ReturnSource) -> ParsedSurvey | list[Finding]:
    try:
        return read_delivery(source)
    except ReturnRejected as rejected:
        return rejected.findings


@task(name="pseudonymise-response-ids", cache_policy=NO_CACHE)
def pseudonymise_response_ids(parsed: ParsedSurvey, p: Paths) -> None:
    from flows.pseudonymise import load_or_create_key, pseudonymise_delivery

    pseudonymise_delivery(parsed, load_or_create_key(p.pseudonym_key_file))


def known_areas(p: Paths) -> list[str]:
    """The probation areas of the seed and the areas of every published inspection."""
    published = [row[0] for row in query(p.private_db, "select distinct area from raw.inspections")]
    return sorted(set(load_catalogue().probation_areas) | set(published))


@task(name="validate-delivery-with-gx-suites", cache_policy=NO_CACHE)
def validate_delivery_with_suites(parsed: ParsedSurvey, p: Paths) -> ValidationResult:
    return validate_delivery(parsed, load_catalogue(), known_areas(p))


@task(name="load-survey-raw-zone", cache_policy=NO_CACHE)
def load_survey_raw_zone(parsed: ParsedSurvey, archived: ArchivedReturn, p: Paths) -> Publication:
    survey_id = parsed.header["survey_id"]
    database = stage_next(p)
    publication = new_publication(None, archived.sha256, "survey")
    rows = survey_rows(parsed, load_catalogue(), archived.sha256, archived.received_at, publication.publication_id)
    load_survey_raw(database, survey_id, rows, publication)
    crash_point("after-load")
    return publication


def current_delivery_sha256(p: Paths, survey_id: str) -> str | None:
    rows = query(p.private_db, "select delivery_sha256 from raw.surveys where survey_id = ?", [survey_id])
    return rows[0][0] if rows else None


def published_extent(p: Paths, survey_id: str) -> str:
    """What a delivery published, for the run's message: responses and areas (counts only)."""
    rows = query(
        p.private_db,
        "select count(distinct response_key), count(distinct area) from raw.survey_responses where survey_id = ?",
        [survey_id],
    )
    responses, areas = rows[0] if rows else (0, 0)
    return f"{responses} responses from {areas} areas"


def _run_name() -> str:
    from prefect.runtime import flow_run

    return f"survey-{Path(flow_run.parameters['path']).name}"


@flow(name="ingest-survey", flow_run_name=_run_name, log_prints=False)
async def ingest_survey(path: str):
    p = paths()
    source = locate_delivery(Path(path))
    resource = events.survey_resource(source.name)
    archived = archive_raw_delivery(source, p)

    parsed = parse_delivery(source)
    if isinstance(parsed, list):
        return await reject(source, archived, parsed, [], p, resource)
    pseudonymise_response_ids(parsed, p)
    validation = validate_delivery_with_suites(parsed, p)
    if not validation.ok:
        return await reject(source, archived, validation.findings, validation.suites, p, resource)
    survey_id = parsed.header["survey_id"]

    async with writer_slot(p):
        finish_interrupted_publication(p)
        if current_delivery_sha256(p, survey_id) == archived.sha256:
            outcome = IngestOutcome("unchanged", source.name, None, archived.sha256, published_what=published_extent(p, survey_id))
            return Completed(message=outcome.summary, data=outcome)
        publication = load_survey_raw_zone(parsed, archived, p)
        try:
            dbt_build_and_test(p)
        except DbtBuildFailed as failure:
            test_findings = findings_from_dbt_tests(failure)
            if not test_findings:
                raise
            return await reject(source, archived, test_findings, validation.suites, p, resource)
        commit_and_publish(p)

    outcome = IngestOutcome(
        "published", source.name, None, archived.sha256, publication.publication_id, published_what=published_extent(p, survey_id)
    )
    events.emit(
        events.SURVEY_PUBLISHED,
        resource,
        {"publication_id": publication.publication_id, "delivery_sha256": archived.sha256, "survey_id": survey_id},
    )
    await acreate_markdown_artifact(
        key=f"survey-{survey_id}",
        markdown="\n".join(
            [f"# {survey_id}: published", "", f"Publication `{publication.publication_id}`: {outcome.published_what}.",
             "", "## Validation", "", *suites_markdown(validation.suites)]
        ),
        description=f"Validation and publication of offender survey delivery {survey_id}",
    )
    return Completed(message=outcome.summary, data=outcome)
