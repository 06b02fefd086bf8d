"""The ingest flow: one inspection return, from the landing area to published scores.

archive raw -> parse (contract v1) -> pseudonymise -> validate (GX) -> [one writer at a time:
finish any interrupted publication -> skip if unchanged -> programme checks -> load raw zone
into the next private warehouse -> dbt build + tests -> commit -> publish]. A rejected return
is quarantined with its report and nothing is published. Tasks are thin wrappers over the
pure functions of the stage modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import acreate_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, Failed

from expectations.cross_file import PublishedInspection, conflicts_with_programme
from flows import events
from flows.archive import ArchivedReturn, archive_return, return_files
from flows.catalogue import load_catalogue
from flows.config import Paths, paths
from flows.contract import ParsedReturn, ReturnSource, locate_return, read_return
from flows.faults import crash_point
from flows.findings import Finding, ReturnRejected, summarise
from flows.load import Publication, load_raw, new_publication, raw_rows
from flows.publish import ensure_published, export_marts
from flows.quarantine import RejectionReport, quarantine_return, suites_markdown
from flows.transform import DbtBuildFailed, build_warehouse
from flows.validate import SuiteOutcome, ValidationResult, validate_return
from flows.warehouse import commit_next, query, stage_next
from flows.writer import writer_slot


@dataclass
class IngestOutcome:
    status: str  # "published", "unchanged" or "rejected"
    return_name: str
    inspection_id: str | None = None
    return_sha256: str | None = None
    publication_id: str | None = None
    findings: list[Finding] = field(default_factory=list)
    report_folder: Path | None = None
    scores: list[tuple[int, str, int | None]] = field(default_factory=list)  # outcome, name, percentage
    published_what: str | None = None  # for a survey delivery: "565 responses from 14 areas"

    @property
    def summary(self) -> str:
        if self.status == "rejected":
            return summarise(self.return_name, self.findings)
        if self.published_what is not None:
            if self.status == "unchanged":
                return f"{self.return_name}: unchanged, this exact delivery is already published ({self.published_what})"
            return f"{self.return_name}: published ({self.publication_id}); {self.published_what}"
        scores = ", ".join(f"{code}: {pct if pct is not None else '-'}%" for code, _, pct in self.scores)
        if self.status == "unchanged":
            return f"{self.return_name}: unchanged, this exact return is already published; outcome scores {scores}"
        return f"{self.return_name}: published ({self.publication_id}); outcome scores {scores}"


# ------------------------------------------------------------------ tasks


@task(name="archive-raw-return", cache_policy=NO_CACHE)
def archive_raw_return(source: ReturnSource, p: Paths) -> ArchivedReturn:
    return archive_return(source, p.archive)


@task(name="parse-return", cache_policy=NO_CACHE)
def parse_return(source: ReturnSource) -> ParsedReturn | list[Finding]:
    try:
        return read_return(source)
    except ReturnRejected as rejected:
        return rejected.findings


@task(name="pseudonymise-identifiers", cache_policy=NO_CACHE)
def pseudonymise_identifiers(parsed: ParsedReturn, p: Paths) -> None:
    from flows.pseudonymise import load_or_create_key, pseudonymise_return

    pseudonymise_return(parsed, load_or_create_key(p.pseudonym_key_file))


@task(name="validate-with-gx-suites", cache_policy=NO_CACHE)
def validate_with_suites(parsed: ParsedReturn) -> ValidationResult:
    return validate_return(parsed, load_catalogue())


@task(name="finish-interrupted-publication", cache_policy=NO_CACHE)
def finish_interrupted_publication(p: Paths) -> bool:
    return ensure_published(p)


@task(name="check-against-programme", cache_policy=NO_CACHE)
def check_against_programme(parsed: ParsedReturn, p: Paths) -> list[Finding]:
    header = parsed.header
    published = [
        PublishedInspection(*row)
        for row in query(p.private_db, "select inspection_id, group_id, group_theme, position_in_group, methodology from raw.inspections")
    ]
    return conflicts_with_programme(
        header["inspection_id"],
        header["group_id"],
        header["group_theme"],
        int(header["position_in_group"]),
        header["methodology"],
        published,
        parsed.inspection.source,
    )


@task(name="load-raw-zone", cache_policy=NO_CACHE)
def load_raw_zone(parsed: ParsedReturn, archived: ArchivedReturn, p: Paths) -> Publication:
    inspection_id = parsed.header["inspection_id"]
    database = stage_next(p)
    publication = new_publication(inspection_id, archived.sha256, "return")
    rows = raw_rows(parsed, archived.sha256, archived.received_at, publication.publication_id)
    load_raw(database, inspection_id, rows, publication)
    crash_point("after-load")
    return publication


@task(name="dbt-build-and-test", cache_policy=NO_CACHE)
def dbt_build_and_test(p: Paths) -> int:
    built = build_warehouse(p, p.next_private_db)
    crash_point("after-build")
    return built


@task(name="commit-and-publish", cache_policy=NO_CACHE)
def commit_and_publish(p: Paths) -> None:
    commit_next(p)  # from here the new version is the platform's truth ...
    crash_point("after-commit")
    export_marts(p)  # ... and this makes it the analysts' (redone on the next run if we crash between)


@task(name="quarantine-rejected-return", cache_policy=NO_CACHE)
def quarantine_rejected_return(
    source: ReturnSource, archived: ArchivedReturn, findings: list[Finding], suites: list[SuiteOutcome], p: Paths
) -> Path:
    report = RejectionReport(
        return_name=source.name,
        return_sha256=archived.sha256,
        received_at=archived.received_at,
        findings=findings,
        suites=suites,
    )
    return quarantine_return(report, return_files(source), p.quarantine)


def current_return_sha256(p: Paths, inspection_id: str) -> str | None:
    rows = query(p.private_db, "select return_sha256 from raw.inspections where inspection_id = ?", [inspection_id])
    return rows[0][0] if rows else None


def published_scores(p: Paths, inspection_id: str) -> list[tuple[int, str, int | None]]:
    return query(
        p.published_db,
        "select outcome_code, outcome_name, score_pct from marts.fct_outcome_scores where inspection_id = ? order by outcome_code",
        [inspection_id],
    )


def findings_from_dbt_tests(failure: DbtBuildFailed) -> list[Finding]:
    """dbt data tests that fail on a return that passed GX: reject it, naming the tests."""
    return [
        Finding(
            source="warehouse build",
            rule_id=f"dbt.{node.unique_id}",
            rule=f"the warehouse test {node.unique_id.split('.')[2]} failed with this return "
            "(it passed the input checks: tell the research team)",
            detail=node.message,
        )
        for node in failure.failed
        if node.unique_id.startswith("test.") and node.status == "fail"
    ]


@task(name="refresh-score-sheets", cache_policy=NO_CACHE)
def refresh_score_sheets(p: Paths, group_id: str) -> list[Path]:
    """The group's score sheets, from what was just published. The publication stands if this
    fails (a platform defect, logged): `iaow report` renders them again."""
    from prefect.logging import get_run_logger

    from flows.reports import render_group_score_sheets

    try:
        return render_group_score_sheets(p, group_id)
    except Exception as error:
        get_run_logger().error("score sheets of %s not rendered (publication stands; `iaow report %s`): %s", group_id, group_id, error)
        return []


# ------------------------------------------------------------------ flow


def _run_name() -> str:
    from prefect.runtime import flow_run

    return f"ingest-{Path(flow_run.parameters['path']).name.removesuffix('.xlsx')}"


@flow(name="ingest-return", flow_run_name=_run_name, log_prints=False)
async def ingest_return(path: str):
    p = paths()
    source = locate_return(Path(path))
    archived = archive_raw_return(source, p)

    parsed = parse_return(source)
    if isinstance(parsed, list):
        return await reject(source, archived, parsed, [], p)
    pseudonymise_identifiers(parsed, p)
    validation = validate_with_suites(parsed)
    if not validation.ok:
        return await reject(source, archived, validation.findings, validation.suites, p)
    inspection_id = parsed.header["inspection_id"]

    async with writer_slot(p):
        finish_interrupted_publication(p)
        if current_return_sha256(p, inspection_id) == archived.sha256:
            outcome = IngestOutcome(
                "unchanged", source.name, inspection_id, archived.sha256, scores=published_scores(p, inspection_id)
            )
            return Completed(message=outcome.summary, data=outcome)
        conflicts = check_against_programme(parsed, p)
        if conflicts:
            return await reject(source, archived, conflicts, validation.suites, p)
        publication = load_raw_zone(parsed, archived, p)
        try:
            dbt_build_and_test(p)
        except DbtBuildFailed as failure:
            test_findings = findings_from_dbt_tests(failure)
            if not test_findings:
                raise  # a platform defect, not the sender's: the run fails with dbt's message
            return await reject(source, archived, test_findings, validation.suites, p)
        commit_and_publish(p)
    refresh_score_sheets(p, parsed.header["group_id"])

    outcome = IngestOutcome(
        "published", source.name, inspection_id, archived.sha256, publication.publication_id,
        scores=published_scores(p, inspection_id),
    )
    group_id = parsed.header["group_id"]
    events.emit(
        events.SCORES_PUBLISHED,
        events.inspection_resource(inspection_id),
        {"publication_id": publication.publication_id, "return_sha256": archived.sha256,
         "scores": {str(code): pct for code, _, pct in outcome.scores}},
        related=[events.group_resource(group_id)],
    )
    announce_group_if_complete(p, group_id, publication.publication_id)
    await acreate_markdown_artifact(
        key=f"ingest-{inspection_id}",
        markdown=_published_markdown(outcome, validation),
        description=f"Validation and published scores for {inspection_id}",
    )
    return Completed(message=outcome.summary, data=outcome)


GROUP_SIZE = 6


def announce_group_if_complete(p: Paths, group_id: str, publication_id: str) -> bool:
    """A publication that leaves all six of a group published (the sixth, or a correction in a
    complete group) announces `iaow.group.completed`: the group's report follows on it."""
    (count,) = query(p.private_db, "select count(*) from raw.inspections where group_id = ?", [group_id])[0]
    if count < GROUP_SIZE:
        return False
    events.emit(
        events.GROUP_COMPLETED,
        events.group_resource(group_id),
        {"group_id": group_id, "n_inspections": count, "publication_id": publication_id},
    )
    return True


async def reject(source: ReturnSource, archived: ArchivedReturn, findings: list[Finding], suites: list[SuiteOutcome], p: Paths,
                 resource: dict[str, str] | None = None):
    """Quarantine what was received with its report, announce `iaow.return.rejected` (about the
    inspection, or the survey `resource` given) and end the run in the state Rejected."""
    folder = quarantine_rejected_return(source, archived, findings, suites, p)
    outcome = IngestOutcome("rejected", source.name, None, archived.sha256, findings=findings, report_folder=folder)
    events.emit(
        events.RETURN_REJECTED,
        resource or events.inspection_resource(source.name),
        {"return_sha256": archived.sha256, "problems": len(findings),
         "rules": sorted({f.rule_id for f in findings}), "report": str(folder / "report.md")},
    )
    await acreate_markdown_artifact(
        key=f"rejected-{source.name}",
        markdown=(folder / "report.md").read_text(),
        description=f"Validation report for rejected return {source.name}",
    )
    return Failed(name="Rejected", message=outcome.summary, data=outcome)


def _published_markdown(outcome: IngestOutcome, validation: ValidationResult) -> str:
    lines = [
        f"# {outcome.inspection_id}: published",
        "",
        f"Publication `{outcome.publication_id}`, return `{outcome.return_sha256}`.",
        "",
        "## Validation",
        "",
        *suites_markdown(validation.suites),
        "",
        "## Published outcome scores",
        "",
        "| Outcome | Name | Score |",
        "|---|---|---|",
        *[f"| {code} | {name} | {pct if pct is not None else '-'}% |" for code, name, pct in outcome.scores],
    ]
    return "\n".join(lines)


async def ingest_any(path: str):
    """Run the flow for what `path` is, an inspection return or a survey delivery: its final state."""
    from flows.ingest_survey import ingest_survey
    from flows.survey_delivery import is_survey_delivery

    if is_survey_delivery(Path(path)):
        return await ingest_survey(path, return_state=True)
    return await ingest_return(path, return_state=True)


@flow(name="process-returns", log_prints=False)
async def process_returns(return_paths: list[str]) -> list[IngestOutcome]:
    """Ingest several returns or survey deliveries one after another (the demo, and backlogs):
    each is its own run."""
    outcomes = []
    for return_path in return_paths:
        outcomes.append(await outcome_of(await ingest_any(return_path)))
    return outcomes


async def outcome_of(state) -> IngestOutcome:
    """The IngestOutcome a finished ingest run carries, or the platform error it raised."""
    result = await state.result(raise_on_failure=False)
    if isinstance(result, IngestOutcome):
        return result
    if isinstance(result, BaseException):
        raise result
    raise RuntimeError(f"ingest run ended in state {state.name}: {state.message}")
