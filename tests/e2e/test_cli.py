"""The command line as users meet it: exit codes, messages, no tracebacks."""

import re

from tests.return_edits import set_cell
from tests.support import run_iaow


def test_usage_errors_exit_2(tmp_path):
    missing = run_iaow("ingest", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr
    (tmp_path / "notes.txt").write_text("x")
    not_a_return = run_iaow("ingest", str(tmp_path / "notes.txt"))
    assert not_a_return.returncode == 2 and "folder or an .xlsx workbook" in not_a_return.stderr
    assert run_iaow().returncode == 2
    assert run_iaow("frobnicate").returncode == 2


def test_rejected_return_exits_1_naming_file_row_and_rule(hampshire_copy):
    set_cell("answers.csv", 10, "answer", "maybe")(hampshire_copy)
    result = run_iaow("ingest", str(hampshire_copy))
    assert result.returncode == 1
    assert "answers.csv, row 10, column answer: must be one of: yes, no, n/a" in result.stderr
    assert "report.html" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_identical_return_exits_0_as_unchanged(demo_home):
    from flows.config import paths

    result = run_iaow("ingest", str(paths().landing_inspections / "hampshire-2013"))
    assert result.returncode == 0, result.stderr
    assert "unchanged" in result.stdout and "1: 79%" in result.stdout


def test_status_lists_published_inspections_and_surveys(demo_home):
    result = run_iaow("status")
    assert result.returncode == 0
    assert "hampshire-2013" in result.stdout and "inspection returns (11 published):" in result.stdout
    assert "offender survey deliveries (2 published):" in result.stdout
    assert re.search(r"noms-offender-survey-2012 +published 20", result.stdout)
    surveys_section = result.stdout.split("offender survey deliveries")[1]
    assert "hampshire-2013" not in surveys_section


def test_a_survey_delivery_is_taken_by_the_same_command(demo_home, tmp_path):
    import shutil

    from flows.config import paths

    unchanged = run_iaow("ingest", str(paths().landing_surveys / "noms-offender-survey-2013"))
    assert unchanged.returncode == 0, unchanged.stderr
    assert "noms-offender-survey-2013: unchanged" in unchanged.stdout

    broken = tmp_path / "noms-offender-survey-2013"
    shutil.copytree(paths().landing_surveys / "noms-offender-survey-2013", broken)
    set_cell("responses.csv", 5, "sq_overall_experience", "superb")(broken)
    result = run_iaow("ingest", str(broken))
    assert result.returncode == 1
    assert "responses.csv, row 5, column sq_overall_experience: must be one of: very_good" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
