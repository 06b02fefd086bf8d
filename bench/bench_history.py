"""Benchmark: what a publication costs as the programme's history grows (issue 14).

    .venv/bin/python bench/bench_history.py [--inspections 504] [--small 12]     (or: make bench)

On the deterministic national programme of bench/national_programme.py, each in a fresh data
directory, with the Prefect server up (started here if none is):

- backfill: `iaow ingest` of the whole programme (every return and delivery, one batch);
- one publication at `--small` inspections of history, and at the whole programme: a corrected
  return of one published inspection, `iaow ingest` from a cold process;
- the nightly rescore at the whole programme (`rescore-programme`, report only);
- `iaow rebuild` of the whole programme from its archive;
- `make demo`-equivalent: `iaow demo` in a fresh data directory.

Each figure is wall time and the peak resident memory of the process that did the work. Prints
one table; nothing is timed in the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = str(REPO / ".venv" / "bin" / "python")
IAOW = [PYTHON, "-m", "flows.cli"]

# Runs a command and reports its children's peak memory: ru_maxrss of RUSAGE_CHILDREN covers the
# one command this wrapper waited for.
MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:])\n"
    "print(f'peak_kb={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)
RESCORE = "import asyncio\nfrom flows.pipeline.rescore import rescore_programme\nasyncio.run(rescore_programme())\n"


def measured(command: list[str], home: Path) -> tuple[float, float]:
    """(seconds, peak MB) of one command in data directory `home`; exits on failure."""
    env = {**os.environ, "IAOW_HOME": str(home)}
    started = time.perf_counter()
    result = subprocess.run([PYTHON, "-c", MEASURE, *command], cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    peak_kb = int(result.stderr.rsplit("peak_kb=", 1)[1].split()[0])
    return seconds, peak_kb / 1024


def corrected(source: Path, target: Path) -> Path:
    """A new version of a published return: one yes/no answer turned, so it publishes for real."""
    shutil.copytree(source, target)
    lines = (target / "answers.csv").read_text().splitlines()
    for number, line in enumerate(lines[1:], start=1):
        fields = line.split(",")
        if fields[2] in ("yes", "no"):
            fields[2] = "no" if fields[2] == "yes" else "yes"
            lines[number] = ",".join(fields)
            break
    (target / "answers.csv").write_text("\n".join(lines) + "\n")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inspections", type=int, default=504, help="size of the national programme")
    parser.add_argument("--small", type=int, default=12, help="history of the small programme")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="iaow-bench-history-"))
    os.environ["IAOW_HOME"] = str(scratch / "server")
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(REPO / "bench"))
    from flows.config import paths, prepare_environment  # noqa: E402  (after IAOW_HOME)

    prepare_environment()
    from flows.runtime.services import server_healthy, start_server
    from national_programme import generate

    if not server_healthy():
        start_server(paths())
    rows: list[tuple[str, float, float, str]] = []

    def record(label: str, figures: tuple[float, float], target: str) -> float:
        rows.append((label, *figures, target))
        print(f"  {label}: {figures[0]:.1f} s, {figures[1]:.0f} MB", flush=True)
        return figures[0]

    programme = scratch / "programme"
    started = time.perf_counter()
    returns, deliveries = generate(programme, args.inspections)
    print(f"generated {len(returns)} returns and {len(deliveries)} deliveries in {time.perf_counter() - started:.0f} s", flush=True)

    small, large = scratch / "small", scratch / "large"
    small_inputs = scratch / "small-programme"
    (small_inputs / "inspections").mkdir(parents=True)
    for folder in returns[: args.small]:
        shutil.copytree(folder, small_inputs / "inspections" / folder.name)
    measured([*IAOW, "ingest", str(small_inputs)], small)
    at_small = record(f"one publication at {args.small} inspections", measured(
        [*IAOW, "ingest", str(corrected(returns[0], scratch / "fix-small" / returns[0].name))], small), "")

    record(f"backfill of {len(returns)} inspections and {len(deliveries)} deliveries (one batch)",
           measured([*IAOW, "ingest", str(programme)], large), "<= 300 s, < 4096 MB")
    at_large = record(f"one publication at {len(returns)} inspections", measured(
        [*IAOW, "ingest", str(corrected(returns[0], scratch / "fix-large" / returns[0].name))], large), "")
    record(f"nightly rescore at {len(returns)} inspections", measured([PYTHON, "-c", RESCORE], large), "<= 120 s")
    shutil.rmtree(large / "warehouse")
    record(f"rebuild of {len(returns)} inspections from the archive", measured([*IAOW, "rebuild"], large), "<= 300 s")
    record("iaow demo (fresh data directory)", measured([*IAOW, "demo"], scratch / "demo"), "<= 30 s")

    print()
    print(f"{'figure':<62} {'seconds':>8} {'peak MB':>8}  target")
    for label, seconds, peak, target in rows:
        print(f"{label:<62} {seconds:>8.1f} {peak:>8.0f}  {target}")
    print(f"{'publication at ' + str(len(returns)) + ' ÷ at ' + str(args.small):<62} {at_large / at_small:>8.2f} {'':>8}  <= 1.5")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
