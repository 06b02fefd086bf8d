"""Shared test factories: small, valid inputs written into a folder, with keyword arguments for
what a test needs to vary. Unit tests build their inputs here, never from the demo programme
(only the demo's own tests, and the e2e, integration, browser and property tests, use the demo).

Every code, question and option comes from the seeds through `load_catalogue()`, so what these
write stays valid when a seed changes. Files are written as senders write them: `_READY` last.
To break or correct one afterwards, use `tests.return_edits` (`set_cell`, `rewrite_csv`, ...).

    inspection_return(tmp_path)                        # testshire-2013/, passes validation
    inspection_return(tmp_path, victims=0, context=False)   # cases.csv and answers.csv only
    inspection_return(tmp_path, answer=lambda case, question: "yes")
    inspection_return(tmp_path, context=[*parts_rows("Hampshire", 1317800), ...])
    survey_delivery(tmp_path, areas=("Hampshire", "London"), responses_per_area=5)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import yaml

from flows.core.catalogue import MULTI_SEPARATOR, Catalogue, SurveyQuestion, load_catalogue
from flows.sources.base import READY_MARKER

CONTEXT_COLUMNS = ("geography", "measure", "value", "period", "source")
CONTEXT_PERIOD = "2011"
CONTEXT_SOURCE = "Test factory: invented value"
VICTIM_COMMENT = "Synthetic comment written by the test factory."

# geography, measure, value, period, source (the columns of context.csv)
ContextRow = tuple[str, str, str, str, str]
InspectionAnswer = Callable[[int, str], str]  # (case number from 1, question id) -> yes | no | n/a
SurveyAnswer = Callable[[int, str, SurveyQuestion], "str | Sequence[str] | None"]


def _catalogue() -> Catalogue:
    """The catalogue of the repository's seeds (cached by flows.core.catalogue)."""
    return load_catalogue()


# ---------------------------------------------------------------- inspection returns


def case_ref(inspection_id: str, number: int) -> str:
    """The case reference the factory gives case `number` (from 1) of a return."""
    return f"SYN-{inspection_id.split('-')[0][:3].upper()}-{number:03d}"


def default_answer(number: int, question_id: str) -> str:
    """A deterministic mix over the answer code list: mostly its first value (yes), some of the
    second (no), a few of each other (n/a)."""
    answers = _catalogue().answers
    mix = [answers[0]] * 7 + [answers[1]] * 2 + list(answers[2:])
    question_number = sum(ord(c) for c in question_id)
    return mix[(number * 3 + question_number) % len(mix)]


def inspection_return(
    parent: Path,
    inspection_id: str = "testshire-2013",
    *,
    area: str = "Testshire",
    group_id: str = "test-group-2013",
    group_theme: str = "Test theme",
    position_in_group: int = 1,
    fieldwork_start: str = "2013-06-03",
    methodology: str = "iaow-2013",
    n_cases: int | None = None,
    answer: InspectionAnswer | str | None = None,
    victims: int = 6,
    context: bool | Iterable[Sequence[object]] = True,
    synthetic: bool | None = True,
    ready: bool = True,
) -> Path:
    """Write a valid return into `parent/<inspection_id>/` and return that folder.

    n_cases: cases sampled (default: the methodology's minimum, 50 for iaow-2013); every case
      answers every question of the methodology, `answer(case number, question id)` (or one
      answer for all; default `default_answer`).
    victims: rows of victim_questionnaire.csv (0: no file); options cycle, some left blank.
    context: True for `context_rows(area)`, False for no context.csv, or explicit rows
      (geography, measure, value, period[, source]); numbers are written as plain numbers.
    synthetic: the `synthetic` key of inspection.yaml (None: the key is left out).
    ready: write `_READY` last (False: the return is still being written).
    """
    cat = _catalogue()
    method = cat.methodologies[methodology]
    n_cases = method.min_cases if n_cases is None else n_cases
    if answer is None:
        answer = default_answer
    elif isinstance(answer, str):
        answer = _always(answer)

    header: dict[str, object] = {
        "inspection_id": inspection_id,
        "area": area,
        "group_id": group_id,
        "group_theme": group_theme,
        "position_in_group": position_in_group,
        "fieldwork_start": fieldwork_start,
        "methodology": methodology,
    }
    if synthetic is not None:
        header["synthetic"] = synthetic
    files = {"inspection.yaml": yaml.safe_dump(header, sort_keys=False, allow_unicode=True)}

    numbers = range(1, n_cases + 1)
    files["cases.csv"] = csv_text(
        ["case_ref", "case_type", "gender", "ethnicity", "rosh", "principal_offence"],
        [
            [
                case_ref(inspection_id, n),
                _pick(cat.case_types, n),
                _pick(cat.genders, n // 2),
                _pick(cat.ethnicities, n // 3),
                _pick(cat.rosh_levels, n // 5),
                _pick(cat.offence_codes, n),
            ]
            for n in numbers
        ],
    )
    files["answers.csv"] = csv_text(
        ["case_ref", "question_id", "answer"],
        [[case_ref(inspection_id, n), question, answer(n, question)] for n in numbers for question in method.question_ids],
    )
    if victims:
        files["victim_questionnaire.csv"] = csv_text(
            ["respondent_id", *(q.question_id for q in cat.victim_questions), "comment"],
            [
                [
                    f"{case_ref(inspection_id, n)}-V",
                    *("" if (n + i) % 7 == 0 else _pick(q.answer_options, n + i) for i, q in enumerate(cat.victim_questions)),
                    VICTIM_COMMENT if n % 3 == 0 else "",
                ]
                for n in range(1, victims + 1)
            ],
        )
    if context is True:
        context = context_rows(area)
    if context is not False and context is not None:
        files["context.csv"] = csv_text(list(CONTEXT_COLUMNS), [_context_row(row) for row in context])
    return write_files(Path(parent) / inspection_id, files, ready)


def context_rows(geography: str, *, period: str = CONTEXT_PERIOD, source: str = CONTEXT_SOURCE) -> list[ContextRow]:
    """A valid value of every context measure of the catalogue for one geography: inside its
    range, the measures of each share set summing to 100; and, for each additive measure of a
    geography made of parts (geographies.csv), the parts' values adding up to its own."""
    cat = _catalogue()
    rows: list[ContextRow] = []
    shares: dict[str, list[str]] = {}
    for measure, spec in cat.measures.items():
        if spec.share_set:
            shares.setdefault(spec.share_set, []).append(measure)
            continue
        value = spec.min_value + (spec.max_value - spec.min_value) / 10
        if spec.additive and _parts_of(geography):
            rows += parts_rows(geography, value, measure=measure, period=period, source=source)
        else:
            rows.append((geography, measure, number_text(value), period, source))
    for members in shares.values():
        rows += [(geography, measure, number_text(value), period, source) for measure, value in zip(members, split(100, len(members), 1))]
    return rows


def parts_rows(whole: str, total: float, *, measure: str = "population", period: str = CONTEXT_PERIOD,
               source: str = CONTEXT_SOURCE) -> list[ContextRow]:
    """`whole`'s value of an additive measure, then each of its parts' (geographies.csv, in seed
    order), the parts adding up to it exactly."""
    parts = _parts_of(whole)
    if not parts:
        raise ValueError(f"{whole} has no parts in dbt/seeds/code_lists/geographies.csv")
    rows = [(whole, measure, number_text(total), period, source)]
    rows += [(part, measure, number_text(value), period, source) for part, value in zip(parts, split(total, len(parts), 0))]
    return rows


def _parts_of(whole: str) -> list[str]:
    return [g.geography for g in _catalogue().geographies.values() if g.part_of == whole]


def split(total: float, n: int, decimals: int) -> list[float]:
    """`n` values rounded to `decimals` that sum to `total` exactly (the last takes the rounding)."""
    each = round(total / n, decimals)
    return [each] * (n - 1) + [round(total - each * (n - 1), decimals)]


def number_text(value: float) -> str:
    """A plain number, as context.csv wants it: no exponent, no trailing zeros, no separators."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _context_row(row: Sequence[object]) -> list[str]:
    if len(row) not in (4, 5):
        raise ValueError(f"a context row is (geography, measure, value, period[, source]), not {row!r}")
    geography, measure, value, period, *source = row
    value = value if isinstance(value, str) else number_text(float(value))  # type: ignore[arg-type]
    return [str(geography), str(measure), value, str(period), str(source[0]) if source else CONTEXT_SOURCE]


# ---------------------------------------------------------------- offender survey deliveries


def default_survey_answer(number: int, area: str, question: SurveyQuestion) -> list[str] | str:
    """Cycles through each question's options; every fifth single answer is left blank, and a
    multi-select cell ticks none, one or two options."""
    options = question.answerable_options
    if question.answer_type == "multi":
        ticked = number % 3
        return [options[(number + i) % len(options)] for i in range(ticked)]
    return "" if number % 5 == 0 else _pick(options, number)


def survey_delivery(
    parent: Path,
    survey_id: str = "test-survey-2012",
    *,
    survey_year: int = 2012,
    areas: Sequence[str] | None = None,
    responses_per_area: int = 4,
    answer: SurveyAnswer | None = None,
    synthetic: bool | None = True,
    ready: bool = True,
) -> Path:
    """Write a valid delivery into `parent/<survey_id>/` and return that folder.

    areas: probation areas (default: the first three of probation_areas.csv).
    answer(response number from 1, area, question): a cell's text, or for a multi-select
      question the options ticked (joined with ';'); '' or None is blank.
    """
    cat = _catalogue()
    areas = tuple(cat.probation_areas[:3] if areas is None else areas)
    answer = answer or default_survey_answer
    header: dict[str, object] = {"survey_id": survey_id, "survey_year": survey_year}
    if synthetic is not None:
        header["synthetic"] = synthetic
    rows = []
    for area in areas:
        for _ in range(responses_per_area):
            number = len(rows) + 1
            rows.append([f"SYN-S{survey_year}-{number:05d}", area,
                         *(_survey_cell(answer(number, area, question)) for question in cat.survey_questions)])
    files = {
        "survey.yaml": yaml.safe_dump(header, sort_keys=False, allow_unicode=True),
        "responses.csv": csv_text(["response_id", "area", *(q.question_id for q in cat.survey_questions)], rows),
    }
    return write_files(Path(parent) / survey_id, files, ready)


def _survey_cell(value: str | Sequence[str] | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return MULTI_SEPARATOR.join(value)


# ---------------------------------------------------------------- writing


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_files(folder: Path, files: dict[str, str], ready: bool = True) -> Path:
    """Write each file as UTF-8 into `folder` (created), then `_READY` when `ready`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / READY_MARKER).unlink(missing_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    if ready:
        (folder / READY_MARKER).write_bytes(b"")
    return folder


def _pick(values: Sequence[str], n: int) -> str:
    return values[n % len(values)]


def _always(value: str) -> InspectionAnswer:
    return lambda number, question_id: value


# The "billion laughs": about 350 bytes of YAML anchors and aliases that expand to gigabytes.
ALIAS_BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "inspection_id: [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
)
