"""A deterministic synthetic programme at national scale: about 50 inspections a year for ten
years, both methodologies, one offender survey delivery a year.

    .venv/bin/python bench/national_programme.py OUT [--inspections 504] [--years 10]

Every return is a copy of one of the demo's returns (Hampshire's 85 cases under `iaow-2013`
until 2017, Placeholder Area F's under `hmip-four-point-bands` from 2018) given its own id,
area (the 35 probation trusts in turn), group and position, with a tenth of its yes/no answers
flipped by a random generator seeded with its id: the same arguments always give the same bytes.
Context tables are left out (their geographies are Hampshire's); victims' answers are kept.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import re
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GROUP_SIZE = 6
FIRST_YEAR = 2013
HMIP_FROM = 2018
FLIP_SHARE = 0.1


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def templates(scratch: Path) -> tuple[Path, Path, Path]:
    """The demo's returns and a survey delivery, written once: (iaow-2013, hmip, survey)."""
    from flows import demo

    returns = demo.write_demo_programme(scratch)
    surveys = demo.write_demo_surveys(scratch)
    by_name = {path.name: path for path in returns}
    return by_name["hampshire-2013"], by_name["placeholder-area-f-2018"], surveys[-1]


def write_yaml(path: Path, values: dict[str, str]) -> None:
    path.write_text("".join(f"{key}: {value}\n" for key, value in values.items()))


def flip_answers(answers: Path, seed: str) -> None:
    rows = list(csv.reader(answers.open(newline="")))
    rng = random.Random(seed)
    for row in rows[1:]:
        if row[2] in ("yes", "no") and rng.random() < FLIP_SHARE:
            row[2] = "no" if row[2] == "yes" else "yes"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    answers.write_text(buffer.getvalue())


def areas() -> list[str]:
    seed = REPO / "dbt" / "seeds" / "code_lists" / "probation_areas.csv"
    return [row["area"] for row in csv.DictReader(seed.open()) if row["synthetic"] == "false"]


def generate(out: Path, inspections: int = 504, years: int = 10) -> tuple[list[Path], list[Path]]:
    """Write the programme under out/inspections and out/surveys: (returns, deliveries), in the
    order they would arrive."""
    out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="iaow-templates-"))
    try:
        iaow, hmip, survey = templates(scratch)
        trusts = areas()
        groups = -(-inspections // GROUP_SIZE)
        per_year = -(-groups // years)
        returns, deliveries = [], []
        for number in range(inspections):
            group, position = divmod(number, GROUP_SIZE)
            year = FIRST_YEAR + group // per_year
            area = trusts[number % len(trusts)]
            template = hmip if year >= HMIP_FROM else iaow
            methodology = "hmip-four-point-bands" if year >= HMIP_FROM else "iaow-2013"
            inspection_id = f"{slug(area)}-{year}-{number:04d}"
            target = out / "inspections" / inspection_id
            shutil.copytree(template, target)
            (target / "context.csv").unlink(missing_ok=True)
            write_yaml(target / "inspection.yaml", {
                "inspection_id": inspection_id,
                "area": area,
                "group_id": f"national-{year}-group-{group:03d}",
                "group_theme": f"National sample {group:03d}",
                "position_in_group": str(position + 1),
                "fieldwork_start": (dt.date(year, 1, 7) + dt.timedelta(days=7 * (number % 50))).isoformat(),
                "methodology": methodology,
                "synthetic": "true",
            })
            flip_answers(target / "answers.csv", inspection_id)
            returns.append(target)
        for year in range(FIRST_YEAR, FIRST_YEAR + years):
            survey_id = f"national-offender-survey-{year}"
            target = out / "surveys" / survey_id
            shutil.copytree(survey, target)
            write_yaml(target / "survey.yaml", {"survey_id": survey_id, "survey_year": str(year), "synthetic": "true"})
            deliveries.append(target)
        return returns, deliveries
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--inspections", type=int, default=504)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    returns, deliveries = generate(args.out, args.inspections, args.years)
    print(f"{len(returns)} returns and {len(deliveries)} survey deliveries under {args.out}")


if __name__ == "__main__":
    main()
