"""The ingest flows: one input, from the landing area to published results.

Every input kind (flows.sources.registry) goes through the same steps, and nothing here asks
which kind it holds; the kind says how to read, check and load its input:

    archive as received -> parse the archived copy -> pseudonymise -> validate (GX)
    -> [one writer at a time: finish what an earlier publication left -> skip if unchanged ->
        checks against the programme -> the publication protocol (stage, load, dbt build and
        tests, owe, commit, export, swap, deliver)]

A rejected input is quarantined with its report and nothing is published. Each kind has its own
Prefect flow (`ingest-return`, `ingest-survey`), made here from the one function. Tasks are thin
wrappers over the functions of the sources and storage layers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from prefect import Flow, flow, get_run_logger, task
from prefect.artifacts import acreate_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, Failed, State

from flows.config import Paths, paths
from flows.core import events
from flows.core.catalogue import load_catalogue
from flows.core.findings import Finding, SuiteOutcome, summarise
from flows.pipeline.events import emit, owe_artifact, owe_event
from flows.pipeline.examine import Examined, examine, examine_all
from flows.pipeline.progress import progress
from flows.pipeline.publishing import publisher, recover
from flows.reporting.rejection import RejectionReport, rejection_reports, suites_markdown
from flows.sources.base import InputKind, Parsed, PublishedSummary, Receipt, Source
from flows.sources.inspections.kind import KIND as INSPECTIONS
from flows.sources.registry import KINDS, kind_for
from flows.sources.surveys.kind import KIND as SURVEYS
from flows.sources.validation import ValidationResult
from flows.storage.archive import Archived
from flows.storage.publication import Delivered, Owed, Prepared
from flows.storage.quarantine import quarantine
from flows.storage.raw_zone import Publication, new_publication, replace_rows
from flows.storage.transform import DbtBuildFailed
from flows.storage.warehouse import ConnectionState, reading
from flows.storage.writer import writer_slot

BATCH_REASON = "batch"  # raw.publications.reason of one publication of several inputs


@dataclass
class IngestOutcome:
    status: str  # "published", "unchanged" or "rejected"
    return_name: str
    kind: str = INSPECTIONS.name
    input_id: str | None = None
    return_sha256: str | None = None
    publication_id: str | None = None
    findings: list[Finding] = field(default_factory=list)
    report_folder: Path | None = None
    published: PublishedSummary | None = None
    left: list[str] = field(default_factory=list)  # what the publication still owes: the next run delivers it
    noun: str = INSPECTIONS.noun

    @property
    def scores(self) -> list[tuple[int, str, int | None]]:
        """An inspection's outcome scores (outcome, name, percentage); none for other kinds."""
        return list(self.published.scores) if self.published else []

    @property
    def summary(self) -> str:
        if self.status == "rejected":
            return summarise(self.return_name, self.findings)
        what = self.published.text if self.published else ""
        if self.status == "unchanged":
            return f"{self.return_name}: unchanged, this exact {self.noun} is already published; {what}"
        text = f"{self.return_name}: published ({self.publication_id}); {what}"
        if self.left:
            text += f"\n  not yet done, left for the next run: {'; '.join(self.left)}"
        return text


# ------------------------------------------------------------------ tasks


def outside_landing(path: Path, p: Paths) -> bool:
    """Whether a path an event names lies outside this data directory's landing area (after
    resolving `..` and links): a run triggered by an event acts only on its own landing area."""
    try:
        path.resolve().relative_to(p.landing.resolve())
    except ValueError:
        return True
    return False


@task(name="examine-input", cache_policy=NO_CACHE)
def examine_input(kind: InputKind, path: str, p: Paths) -> Examined:
    """Archive as received, parse the archived copy, pseudonymise, validate (flows.pipeline.examine)."""
    return examine(kind.name, path, p)


@task(name="examine-inputs", cache_policy=NO_CACHE)
def examine_inputs(input_paths: list[str], p: Paths) -> list[Examined]:
    """examine-input of each, in order; a large batch in several processes. Each input is said to
    a terminal as it is done."""
    def said(examined: Examined) -> None:
        first = examined.findings[0].describe() if examined.findings else ""
        progress().input_checked(examined.source.name, "checked" if examined.ok else "rejected", first)

    return examine_all(examine, [(kind_for(Path(path)).name, path) for path in input_paths], p, said)


@task(name="finish-interrupted-publication", cache_policy=NO_CACHE)
def finish_interrupted_publication(p: Paths) -> list[str]:
    return recover(p)


@task(name="load-raw-zone", cache_policy=NO_CACHE)
def load_raw_zone(batch: list[Checked], publication: Publication, p: Paths,
                  empty: bool = False) -> tuple[Prepared, dict[int, list[Finding]]]:
    """Stage the next version and load each input's rows, in order, in one transaction. Each input
    is first checked against the programme as it stands with the inputs before it loaded (two
    returns of one batch may not take one group position): one that conflicts is not loaded.
    Returns the prepared publication, and the conflicts found by position in `batch`."""
    conflicts: dict[int, list[Finding]] = {}
    catalogue = load_catalogue()

    def load(connection) -> None:
        programme = ConnectionState(connection)
        for position, checked in enumerate(batch):
            kind, parsed = checked.kind, checked.parsed
            found = kind.conflicts(parsed, programme)
            if found:
                conflicts[position] = found
                continue
            receipt = Receipt(checked.archived.sha256, checked.archived.received_at)
            rows = kind.raw_rows(parsed, catalogue, receipt, publication.publication_id)
            replace_rows(connection, kind.raw_tables, kind.id_key, kind.input_id(parsed), rows)

    return publisher(p).stage_and_load(publication, load, empty=empty), conflicts


@task(name="dbt-build-and-test", cache_policy=NO_CACHE)
def dbt_build_and_test(prepared: Prepared, p: Paths) -> None:
    publisher(p).build(prepared, progress().advance)


@task(name="commit-and-publish", cache_policy=NO_CACHE)
def commit_and_publish(prepared: Prepared, owed: list[Owed], p: Paths) -> Delivered:
    return publisher(p).complete(prepared, owed)


@task(name="quarantine-rejected-input", cache_policy=NO_CACHE)
def quarantine_rejected_input(kind: InputKind, source: Source, archived: Archived, findings: list[Finding],
                              suites: list[SuiteOutcome], p: Paths) -> Path:
    report = RejectionReport(source.name, archived.sha256, archived.received_at, findings, suites, kind.noun)
    first = findings[0] if findings else None
    summary = {
        "kind": kind.name,
        "return_sha256": archived.sha256,
        "received_at": archived.received_at.isoformat(),
        "problems": len(findings),
        "first_problem": f"{first.location}: {first.rule}" if first else "",
    }
    return quarantine(p.quarantine, source.name, archived.sha256, archived.files, rejection_reports(report), summary)


def findings_from_dbt_tests(failure: DbtBuildFailed) -> list[Finding]:
    """dbt data tests that fail on an input that passed GX: reject it, naming the tests."""
    return [
        Finding(
            source="warehouse build",
            rule_id=f"dbt.{node.unique_id}",
            rule=f"the warehouse test {node.unique_id.split('.')[2]} failed with this input "
            "(it passed the input checks: tell the research team)",
            detail=node.message,
        )
        for node in failure.failed
        if node.unique_id.startswith("test.") and node.status == "fail"
    ]


# ------------------------------------------------------------------ the flow, for any kind


@dataclass
class Checked:
    """An input that passed every check made outside the writer slot, waiting to be published."""

    kind: InputKind
    source: Source
    archived: Archived
    parsed: Parsed
    validation: ValidationResult

    @property
    def input_id(self) -> str:
        return self.kind.input_id(self.parsed)

    def outcome(self, status: str) -> IngestOutcome:
        return IngestOutcome(status, self.source.name, self.kind.name, self.input_id, self.archived.sha256,
                             noun=self.kind.noun)


async def check_input(kind: InputKind, path: str, p: Paths) -> Checked | State:
    """Archive, parse, pseudonymise, validate: the input Checked, or the final state of its run
    (Rejected, with its quarantine and event; or Refused)."""
    if triggered_by_deployment() and outside_landing(Path(path), p):
        # Anyone who can reach the API can name a path in an event: act only on our landing area.
        message = f"refused: {Path(path).name} is not inside this data directory's landing area {p.landing}"
        get_run_logger().error(message)
        return Failed(name="Refused", message=message)
    return await settle(examine_input(kind, path, p), p)


async def settle(examined: Examined, p: Paths) -> Checked | State:
    """An examined input Checked for publication, or rejected: quarantined with its report."""
    if not examined.ok:
        return await reject(examined.kind, examined.source, examined.archived, examined.findings,
                            examined.validation.suites, p)
    return Checked(examined.kind, examined.source, examined.archived, examined.parsed, examined.validation)


async def ingest(kind: InputKind, path: str):
    p = paths()
    checked = await check_input(kind, path, p)
    if not isinstance(checked, Checked):
        return checked
    async with writer_slot(p):
        (state,) = await publish_checked([checked], p)
    return state


async def publish_checked(batch: list[Checked], p: Paths) -> list[State]:
    """Publish checked inputs in one publication (the caller holds the writer slot): the final
    state of each, in order. An input already published as it is stays as it is; one that
    conflicts with the programme is rejected. When a warehouse test fails on a batch of several,
    which input broke it cannot be told from one build: they are published one at a time."""
    finish_interrupted_publication(p)
    states: dict[int, State] = {}
    pending = []
    with reading(p.private_db) as programme:
        for position, checked in enumerate(batch):
            if checked.kind.current_sha256(programme, checked.input_id) == checked.archived.sha256:
                outcome = checked.outcome("unchanged")
                outcome.published = checked.kind.summarise(programme, checked.input_id)
                states[position] = Completed(message=outcome.summary, data=outcome)
            else:
                pending.append(position)
    if not pending:
        return [states[n] for n in range(len(batch))]

    first = batch[pending[0]]
    publication = (new_publication(first.kind.inspection_of(first.parsed), first.archived.sha256, first.kind.publication_reason)
                   if len(pending) == 1 else new_publication(None, None, BATCH_REASON))
    prepared, conflicts = load_raw_zone([batch[n] for n in pending], publication, p)
    for index, findings in conflicts.items():
        checked = batch[pending[index]]
        states[pending[index]] = await reject(checked.kind, checked.source, checked.archived, findings,
                                              checked.validation.suites, p)
    loaded = [n for index, n in enumerate(pending) if index not in conflicts]
    if not loaded:
        publisher(p).discard(prepared)
        return [states[n] for n in range(len(batch))]
    try:
        with progress().step(f"warehouse build and tests ({len(loaded)} {'input' if len(loaded) == 1 else 'inputs'})"):
            dbt_build_and_test(prepared, p)
    except DbtBuildFailed as failure:
        test_findings = findings_from_dbt_tests(failure)
        if not test_findings:
            raise  # a platform defect, not the sender's: the run fails with dbt's message
        publisher(p).discard(prepared)
        if len(loaded) == 1:
            checked = batch[loaded[0]]
            states[loaded[0]] = await reject(checked.kind, checked.source, checked.archived, test_findings,
                                             checked.validation.suites, p)
        else:
            for n in loaded:
                (states[n],) = await publish_checked([batch[n]], p)
        return [states[n] for n in range(len(batch))]

    outcomes, owed, announced = {}, [], set()
    with reading(prepared.database) as built:
        for n in loaded:
            checked = batch[n]
            kind, outcome = checked.kind, checked.outcome("published")
            outcome.publication_id = publication.publication_id
            outcome.published = kind.summarise(built, checked.input_id)
            for record in kind.announcements(checked.parsed, built, publication.publication_id,
                                             checked.archived.sha256, outcome.published):
                once = json.dumps(record.as_json(), sort_keys=True)  # a group completed by two inputs of a batch: once
                if once not in announced:
                    announced.add(once)
                    owed.append(Owed(**owe_event(record)))
            owed.append(Owed(**owe_artifact(
                f"{kind.run_prefix}-{checked.input_id}",
                kind.artifact_markdown(checked.input_id, publication.publication_id, checked.archived.sha256,
                                       outcome.published, suites_markdown(checked.validation.suites)),
                f"Validation and publication of {kind.noun} {checked.input_id}",
            )))
            outcomes[n] = outcome
    with progress().step("commit and publish"):
        delivered = commit_and_publish(prepared, owed, p)
    for n, outcome in outcomes.items():
        outcome.left = [f"{item.label} ({item.error})" for item in delivered.left]
        states[n] = Completed(message=outcome.summary, data=outcome)
    return [states[n] for n in range(len(batch))]


async def reject(kind: InputKind, source: Source, archived: Archived, findings: list[Finding], suites: list[SuiteOutcome],
                 p: Paths):
    """Quarantine what was received with its report, announce `iaow.return.rejected` and end the
    run in the state Rejected."""
    folder = quarantine_rejected_input(kind, source, archived, findings, suites, p)
    outcome = IngestOutcome("rejected", source.name, kind.name, None, archived.sha256, findings=findings,
                            report_folder=folder, noun=kind.noun)
    try:
        emit(events.EventRecord(
            events.RETURN_REJECTED,
            kind.resource(source.name),
            {"return_sha256": archived.sha256, "problems": len(findings),
             "rules": sorted({f.rule_id for f in findings}), "report": str(folder / "report.md")},
        ))
    except Exception as error:  # the rejection stands, quarantined with its report: say so, do not fail the run
        get_run_logger().error("iaow.return.rejected for %s not emitted: %s", source.name, error)
    await acreate_markdown_artifact(
        key=f"rejected-{source.name}",
        markdown=(folder / "report.md").read_text(),
        description=f"Validation report for rejected {kind.noun} {source.name}",
    )
    return Failed(name="Rejected", message=outcome.summary, data=outcome)


def triggered_by_deployment() -> bool:
    """A run of a deployment (the worker, on an event) rather than `iaow ingest` in-process."""
    from prefect.context import FlowRunContext

    context = FlowRunContext.get()
    return context is not None and context.flow_run is not None and context.flow_run.deployment_id is not None


def ingest_flow(kind: InputKind) -> Flow:
    """The Prefect flow of one kind: its name and run names are the kind's."""

    def run_name() -> str:
        from prefect.runtime import flow_run

        return f"{kind.run_prefix}-{Path(flow_run.parameters['path']).name.removesuffix('.xlsx')}"

    async def ingest_input(path: str):
        return await ingest(kind, path)

    ingest_input.__doc__ = f"Validate and publish one {kind.name} {kind.noun}."
    # the deployment's entrypoint names it after the flow: flows/pipeline/ingest.py:ingest_return
    ingest_input.__name__ = ingest_input.__qualname__ = kind.flow_name.replace("-", "_")
    return flow(name=kind.flow_name, flow_run_name=run_name, log_prints=False)(ingest_input)


FLOWS: dict[str, Flow] = {kind.name: ingest_flow(kind) for kind in KINDS}
ingest_return = FLOWS[INSPECTIONS.name]
ingest_survey = FLOWS[SURVEYS.name]


async def ingest_any(path: str):
    """Run the flow for what `path` is: its final state."""
    return await FLOWS[kind_for(Path(path)).name](path, return_state=True)


@flow(name="ingest-batch", flow_run_name="ingest-batch", log_prints=False)
async def ingest_batch(input_paths: list[str]) -> list[IngestOutcome]:
    """Several inputs, of any kinds, in one run and one publication (a backlog, the demo, a
    rebuild): each is checked on its own (a rejected one is quarantined with its report, as
    ever), then every valid one is published at once."""
    p = paths()
    states: list[State | None] = []
    batch, positions = [], []
    for examined in examine_inputs(input_paths, p):
        checked = await settle(examined, p)
        if isinstance(checked, Checked):
            positions.append(len(states))
            batch.append(checked)
            states.append(None)
        else:
            states.append(checked)
    if batch:
        async with writer_slot(p):
            for position, state in zip(positions, await publish_checked(batch, p)):
                states[position] = state
    outcomes = [state.data for state in states]
    published = sum(outcome.status == "published" for outcome in outcomes)
    rejected = sum(outcome.status == "rejected" for outcome in outcomes)
    message = f"{published} published, {len(outcomes) - published - rejected} unchanged, {rejected} rejected"
    return Completed(message=message, data=outcomes)


process_returns = ingest_batch  # the name the demo and earlier callers use


async def outcome_of(state) -> IngestOutcome:
    """The IngestOutcome a finished ingest run carries, or the platform error it raised."""
    result = await state.result(raise_on_failure=False)
    if isinstance(result, IngestOutcome):
        return result
    if isinstance(result, BaseException):
        raise result
    raise RuntimeError(f"ingest run ended in state {state.name}: {state.message}")

