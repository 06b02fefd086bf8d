"""The release's README, as Markdown (README.md) and as an accessible web page (README.html).

Both are written from one list of sections, so they say the same thing: what the release holds,
the methodology in brief, the disclosure rule, the status shorthand, the revisions policy, what
changed since the last release, and when the next one is due. Text from returns (an area's name)
never reaches it: it names tables, files, dates, counts and inspection ids (lower-case letters,
digits and hyphens, checked at landing), so the Markdown is written as it reads, unescaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

from flows.core import figures
from flows.reporting.release.model import STATUS_MARKERS, ReleaseInfo, ReleaseTable

SYNTHETIC_BANNER = ("SYNTHETIC DEMO DATA: every figure in this release is computed from an invented demo programme. "
                    "It describes no real area, case or person and must not be quoted as statistics.")

REVISIONS_POLICY = (
    "Figures are revised when a corrected return or survey delivery is received, when the programme is rescored "
    "under its current methodology, or when a provisional group figure [p] is updated as the group's inspections "
    "come out of embargo. Every release is compared with the previous one: each value that differs is marked [r] in "
    "its row's status column and listed in revisions.csv with its previous value, its new value and the reason. "
    "Earlier releases are never changed: each stays available, as it was published, in its own folder."
)

METHODOLOGY = (
    "Inspectors read a sample of 50 to 90 cases in each area and answer the scoring questions of the case "
    "assessment tool. A question's score is the share of the cases it was relevant to that were judged sufficient, "
    "with a 95% Wilson interval. An outcome's score follows the inspection's methodology (under iaow-2013, the mean "
    "of its questions' scores), with a 95% interval from a case bootstrap. Every six inspections form a thematic "
    "group: the group's pooled score pools each question's cases across the group first. Each area is compared with "
    "the rest of its group in a funnel plot whose 95% and 99.8% limits allow for the area's sample size. "
    "Percentages are rounded half up, once, from their exact values."
)


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    table: tuple[tuple[str, ...], list[tuple[str, ...]]] | None = None  # header, rows


def disclosure_rule(threshold: int) -> str:
    return (
        f"Counts of people below {threshold} are never published. In offender survey and victim questionnaire "
        f"results, a count from 1 to {threshold - 1}, or every answer to a question that fewer than {threshold} "
        "people answered, is withheld, and where one withheld count could be found by subtraction the next smallest "
        f"is withheld too. A question score that fewer than {threshold} cases were relevant to is withheld with its "
        "numerator and denominator. Withheld values are empty cells whose row's status is [c]."
    )


def sections(info: ReleaseInfo, tables: Sequence[ReleaseTable], files: Sequence[tuple[str, int]], threshold: int,
             changes: Sequence[str]) -> list[Section]:
    moment = info.published_at
    when = f"{moment:%H:%M} on {moment.day} {moment:%B %Y}"
    about = Section("About this release", [
        *([SYNTHETIC_BANNER] if info.is_synthetic else []),
        info.summary,
        f"Published at {when} (UK time). It holds the inspections whose reports were published on or before "
        f"{figures.day(info.cut_off)} (the cut-off); every other inspection is under embargo and no figure here is "
        "computed from it.",
        f"Contact: {info.contact}.",
    ])
    contents = Section("Files", ["Each table is a CSV file (UTF-8, with a header row) and the same table as Parquet. "
                                 "datapackage.json describes every column (type, meaning, primary key, missing "
                                 "values) as a Frictionless Data Package; the spreadsheet holds every table on its "
                                 "own sheet, with a cover sheet and notes."],
                       table=(("File", "What it holds", "Rows", "Size (bytes)"),
                              [(name, _what(name, tables), _rows(name, tables), f"{size:,}") for name, size in files]))
    status = Section("Status shorthand", ["Numeric columns hold only numbers. A table's status column says why a "
                                          "value is empty or may change:"],
                     items=[f"{marker} {meaning}" for marker, meaning in STATUS_MARKERS.items()])
    changed = Section("What changed since the last release", list(changes[:1]) or ["This is the first release."],
                      items=list(changes[1:]))
    next_release = Section("Next release", [
        f"The next release is due on {figures.day(info.next_release)}"
        f"{' at ' + info.next_release_time.strftime('%H:%M') + ' (UK time)' if info.next_release_time else ''}."
        if info.next_release else "No further release is on the calendar yet."])
    return [about, contents, Section("Methodology in brief", [METHODOLOGY]),
            Section("Disclosure control", [disclosure_rule(threshold)]), status,
            Section("Revisions policy", [REVISIONS_POLICY]), changed, next_release]


def _what(name: str, tables: Sequence[ReleaseTable]) -> str:
    stem, _, suffix = name.rpartition(".")
    for table in tables:
        if table.name == stem:
            return f"{table.title} ({'CSV' if suffix == 'csv' else 'Parquet'})"
    return {"datapackage.json": "Frictionless Data Package: the key to every file and column",
            "README.md": "This note", "README.html": "This note as a web page"}.get(
        name, "Every table in one accessible spreadsheet" if name.endswith(".xlsx") else name)


def _rows(name: str, tables: Sequence[ReleaseTable]) -> str:
    stem = name.rpartition(".")[0]
    return next((f"{len(table.rows):,}" for table in tables if table.name == stem), "")


def markdown(info: ReleaseInfo, parts: Sequence[Section]) -> str:
    lines = [f"# {info.title}", ""]
    for part in parts:
        lines += [f"## {part.heading}", ""]
        for paragraph in part.paragraphs:
            lines += [paragraph, ""]
        if part.items:
            lines += [f"- {item}" for item in part.items] + [""]
        if part.table:
            header, rows = part.table
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(row) + " |" for row in rows]
            lines.append("")
    return "\n".join(lines)


STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #0b0c0c; background: #ffffff; max-width: 60rem;
       margin: 0 auto; padding: 1rem; line-height: 1.5; }
.banner { border: 3px solid #b10e1e; padding: 0.5rem 1rem; font-weight: bold; }
table { border-collapse: collapse; } th, td { border: 1px solid #505a5f; padding: 0.25rem 0.5rem; text-align: left; }
td.number { text-align: right; }
.table-wrap { overflow-x: auto; } .table-wrap:focus-visible { outline: 3px solid #1d70b8; }
"""


def page(info: ReleaseInfo, parts: Sequence[Section]) -> str:
    escape = html.escape
    body = [f"<h1>{escape(info.title)}</h1>"]
    for part in parts:
        body.append(f"<section aria-labelledby=\"{_anchor(part.heading)}\">")
        body.append(f"<h2 id=\"{_anchor(part.heading)}\">{escape(part.heading)}</h2>")
        for paragraph in part.paragraphs:
            css = ' class="banner"' if paragraph == SYNTHETIC_BANNER else ""
            body.append(f"<p{css}>{escape(paragraph)}</p>")
        if part.items:
            body.append("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in part.items) + "</ul>")
        if part.table:
            header, rows = part.table
            # A wide table scrolls inside its own region on a narrow screen, reachable by keyboard.
            body.append(f"<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{escape(part.heading)}\">"
                        f"<table><caption>{escape(part.heading)}</caption><thead><tr>"
                        + "".join(f"<th scope=\"col\">{escape(cell)}</th>" for cell in header) + "</tr></thead><tbody>")
            for row in rows:
                body.append("<tr>" + "".join(
                    f"<td class=\"number\">{escape(cell)}</td>" if cell[:1].isdigit() else f"<td>{escape(cell)}</td>"
                    for cell in row) + "</tr>")
            body.append("</tbody></table></div>")
        body.append("</section>")
    return ("<!doctype html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{escape(info.title)}</title><style>{STYLE}</style></head>"
            "<body><main>" + "\n".join(body) + "</main></body></html>\n")


def _anchor(heading: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in heading.lower()).strip("-")
