"""Benchmark: rendering a group's aggregate report (HTML, CSV tables, score sheets, PDF).

    IAOW_HOME=<a published data directory> .venv/bin/python bench/bench_reports.py [--runs 5]

Reads the published warehouse of IAOW_HOME (after `make demo`, the checkout's own) and renders
every published group `--runs` times in this process: the HTML part (snapshot, queries, charts,
tables, score sheets) and the PDF (a Chromium process printing the page) are timed separately.
Also the cold `iaow report <group>` a user runs, imports included. Prints medians and peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from flows.config import paths
    from flows.reporting.group_report import published_groups, render_group_report
    from flows.reporting.pdf import print_to_pdf

    p = paths()
    groups = published_groups(p)
    if not groups:
        sys.exit(f"nothing published in {p.published_db}: run `make demo` first (or set IAOW_HOME)")
    print(f"published warehouse: {p.published_db}")
    print(f"{'group':<32} {'inspections':>11} {'HTML+tables+sheets':>19} {'PDF':>7} {'total':>7} {'PDF pages/size':>15}")
    for group_id in groups:
        html_times, pdf_times = [], []
        for _ in range(args.runs):
            report = render_group_report(p, group_id, pdf=False)
            html_times.append(report.seconds)
            started = time.perf_counter()
            print_to_pdf(report.path, report.path.with_name("report.pdf"))
            pdf_times.append(time.perf_counter() - started)
        html, pdf = statistics.median(html_times), statistics.median(pdf_times)
        pdf_file = report.path.with_name("report.pdf")
        pages = next(line.split()[-1] for line in subprocess.run(["pdfinfo", str(pdf_file)], capture_output=True, text=True).stdout.splitlines()
                     if line.startswith("Pages:"))
        print(f"{group_id:<32} {report.n_inspections:>11} {html:>18.2f}s {pdf:>6.2f}s {html + pdf:>6.2f}s "
              f"{pages:>6} / {pdf_file.stat().st_size // 1024} KB")
    cold = []
    for _ in range(min(args.runs, 3)):
        started = time.perf_counter()
        subprocess.run([str(REPO / ".venv" / "bin" / "iaow"), "report", groups[0]], check=True, capture_output=True)
        cold.append(time.perf_counter() - started)
    print(f"cold `iaow report {groups[0]}` (new process, imports included): median {statistics.median(cold):.2f} s")
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
