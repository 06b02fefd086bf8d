"""One inspection return rendered as the files of landing contract v1, in the order they must be
written (`_READY` last). Writing them is `flows.demo.write_return`."""

from __future__ import annotations

from flows.demo.answers import build_answers
from flows.demo.cases import build_cases
from flows.demo.catalogue import DemoCatalogue
from flows.demo.context import build_context
from flows.demo.files import csv_bytes, yaml_bytes
from flows.demo.tables import DemoInspection
from flows.demo.victims import build_victim_responses
from flows.sources.base import READY_MARKER


def render_return(inspection: DemoInspection, catalogue: DemoCatalogue) -> dict[str, bytes]:
    """The return's files, in the order they must be written (`_READY` last)."""
    cases = build_cases(inspection)
    answers = build_answers(inspection, cases, catalogue)
    files = {
        "inspection.yaml": yaml_bytes(
            {
                "inspection_id": inspection.inspection_id,
                "area": inspection.area,
                "group_id": inspection.group_id,
                "group_theme": inspection.group_theme,
                "position_in_group": inspection.position_in_group,
                "fieldwork_start": inspection.fieldwork_start,
                "methodology": inspection.methodology,
                "synthetic": True,
            }
        ),
        "cases.csv": csv_bytes(
            ["case_ref", "case_type", "gender", "ethnicity", "rosh", "principal_offence"],
            [[c.case_ref, c.case_type, c.gender, c.ethnicity, c.rosh, c.principal_offence] for c in cases],
        ),
        "answers.csv": csv_bytes(
            ["case_ref", "question_id", "answer"],
            [
                [case.case_ref, question.question_id, answers[case.case_ref, question.question_id]]
                for case in cases
                for question in catalogue.questions
            ],
        ),
    }
    responses = build_victim_responses(inspection, catalogue)
    if responses:
        columns = [*catalogue.victim_question_ids, "comment"]
        files["victim_questionnaire.csv"] = csv_bytes(
            ["respondent_id", *columns],
            [
                [f"SYN-{inspection.case_ref_prefix}-V{number:02d}", *(response.get(column, "") for column in columns)]
                for number, response in enumerate(responses, start=1)
            ],
        )
    files["context.csv"] = csv_bytes(["geography", "measure", "value", "period", "source"], build_context(inspection))
    files[READY_MARKER] = b""
    return files
