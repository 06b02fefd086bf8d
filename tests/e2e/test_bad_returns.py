"""Broken returns: each is rejected with a message naming file, row (or key) and rule; it is
quarantined with a report holding no row data; nothing published or private changes.

Runs the real ingest flow (real server, GX suites, warehouse) in this process.
"""

from __future__ import annotations

import csv
import html

import pytest

from flows.config import paths
from tests.return_edits import (
    add_column,
    add_file,
    context_value,
    drop_column,
    drop_rows,
    duplicate_row,
    raw_text,
    remove_file,
    rename_folder,
    set_cell,
    too_few_cases,
    yaml_value,
)
from tests.support import ingest, sha256_of

# (id, mutation, expected rule id, expected location text in the message)
BROKEN = [
    ("missing-cases-file", remove_file("cases.csv"), "return.files.required", "cases.csv"),
    ("missing-inspection-yaml", remove_file("inspection.yaml"), "return.files.required", "inspection.yaml"),
    ("unexpected-file", add_file("offender_names.xlsx.txt", "x"), "return.files.unexpected", "offender_names.xlsx.txt"),
    ("folder-name-mismatch", rename_folder("hampshire-2014"), "inspection.inspection_id.matches_name", "inspection.yaml, key inspection_id"),
    ("utf16", raw_text("answers.csv", lambda b: b.decode("utf-8").encode("utf-16")), "file.encoding.supported", "answers.csv, row 1"),
    ("byte-neither-utf8-nor-1252", raw_text("cases.csv", lambda b: b.replace(b"\n", b"\x81\n", 4).replace(b"\x81\n", b"\n", 3)), "file.encoding.supported", "cases.csv, row 4"),
    ("ragged-row", raw_text("cases.csv", lambda b: b.replace(b"\n", b",surplus\n", 3).replace(b",surplus\n", b"\n", 2)), "file.csv.field_count", "cases.csv, row 3"),
    ("bad-yaml", add_file("inspection.yaml", "inspection_id: [unclosed\n"), "file.yaml.syntax", "inspection.yaml"),
    ("answer-not-in-scale", set_cell("answers.csv", 10, "answer", "maybe"), "answers.answer.in_code_list", "answers.csv, row 10, column answer"),
    ("answer-for-unknown-case", set_cell("answers.csv", 7, "case_ref", "SYN-HAM-99999"), "answers.case_ref.in_cases", "answers.csv, row 7, column case_ref"),
    ("question-not-in-catalogue", set_cell("answers.csv", 12, "question_id", "q9.9.9"), "answers.question_id.in_catalogue", "answers.csv, row 12, column question_id"),
    ("duplicate-answer", duplicate_row("answers.csv", 5), "answers.one_per_case_and_question", "answers.csv, rows 5,"),
    ("missing-answers", drop_rows("answers.csv", range(20, 23)), "answers.complete", "cases.csv, row"),
    ("duplicate-case", set_cell("cases.csv", 9, "case_ref", lambda rows: rows[1][0]), "cases.case_ref.unique", "cases.csv, rows 2, 9"),
    ("unknown-case-type", set_cell("cases.csv", 14, "case_type", "community_service"), "cases.case_type.in_code_list", "cases.csv, row 14, column case_type"),
    ("blank-required-value", set_cell("cases.csv", 6, "gender", ""), "cases.gender.required", "cases.csv, row 6, column gender"),
    ("sample-too-small", too_few_cases, "cases.sample_size", "cases.csv"),
    ("missing-column", drop_column("answers.csv", "answer"), "answers.columns.missing", "answers.csv, row 1, column answer"),
    ("extra-personal-column", add_column("cases.csv", "offender_name", "Jane Doe"), "cases.columns.unexpected", "cases.csv, row 1, column 7 (G)"),
    ("position-out-of-range", yaml_value(position_in_group=7), "inspection.position_in_group.range", "inspection.yaml, key position_in_group"),
    ("impossible-date", yaml_value(fieldwork_start="2013-02-30"), "inspection.fieldwork_start.calendar_date", "inspection.yaml, key fieldwork_start"),
    ("unknown-methodology", yaml_value(methodology="iaow-2099"), "inspection.methodology.in_code_list", "inspection.yaml, key methodology"),
    ("context-number-with-commas", context_value("population", "1,317,800"), "context.value.number", "context.csv, row"),
    ("context-out-of-range", context_value("bme_population_pct", "140"), "context.value.range.bme_population_pct", "context.csv, row"),
    ("context-districts-do-not-add-up", context_value("population", "99800", geography="Rushmoor"), "context.population.parts_add_up", "context.csv, rows"),
    ("context-shares-over-100", context_value("caseload_female_pct", "12.1", geography="Hampshire Probation Trust"), "context.caseload_gender.sums_to_100", "context.csv, rows"),
    ("victim-answer-not-an-option", set_cell("victim_questionnaire.csv", 3, "vq_feel_safer", "definitely"), "victim_questionnaire.vq_feel_safer.in_code_list", "victim_questionnaire.csv, row 3, column vq_feel_safer"),
    ("position-already-held", yaml_value(inspection_id="hampshire-2013", position_in_group=3), "programme.position_taken", "inspection.yaml, key position_in_group"),
    ("second-methodology-in-a-group", yaml_value(methodology="hmip-four-point-bands"), "programme.group_methodology", "inspection.yaml, key methodology"),
]


@pytest.mark.parametrize("mutate, rule_id, location", [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_return_is_rejected_and_nothing_changes(hampshire_copy, mutate, rule_id, location):
    p = paths()
    case_refs = [r["case_ref"] for r in csv.DictReader((hampshire_copy / "cases.csv").open())]
    folder = mutate(hampshire_copy)
    before = (sha256_of(p.published_db), sha256_of(p.private_db))

    outcome = ingest(folder)

    assert outcome.status == "rejected"
    found = [f for f in outcome.findings if f.rule_id == rule_id]
    assert found, [f.describe() for f in outcome.findings]
    assert any(f.describe().startswith(location) or location in f.describe() for f in found), [f.describe() for f in found]
    assert (sha256_of(p.published_db), sha256_of(p.private_db)) == before

    report = outcome.report_folder / "report.md"
    assert report.exists() and (outcome.report_folder / "report.html").exists()
    text = report.read_text() + (outcome.report_folder / "report.html").read_text()
    # as a reader sees them: Markdown escapes and HTML entities undone
    shown = report.read_text().replace("\\", "") + html.unescape((outcome.report_folder / "report.html").read_text())
    assert rule_id.split(".")[0] in shown or found[0].rule in shown
    assert "SYN-HAM" not in text and not any(ref in text for ref in case_refs), "report must hold no row data"
    assert "Jane Doe" not in text and "community_service" not in text and "maybe" not in text.replace("Maybe", "")


def test_a_rejected_return_emits_its_event_and_is_visible_in_prefect(hampshire_copy):
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

    set_cell("cases.csv", 14, "case_type", "community_service")(hampshire_copy)
    outcome = ingest(hampshire_copy)
    assert outcome.status == "rejected"

    async def latest_run():
        async with get_client() as client:
            runs = await client.read_flow_runs(
                flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=["ingest-hampshire-2013"])),
                sort="START_TIME_DESC", limit=1,
            )
            return runs[0]

    run = asyncio.run(latest_run())
    assert run.state.name == "Rejected"
    assert "cases.csv, row 14, column case_type" in run.state.message
