"""Benchmark: `iaow release`, a cold process as a user runs it, on the demo programme.

    .venv/bin/python bench/bench_release.py [--home DIR]

Publishes the demo programme into a fresh data directory (or uses `--home`, a data directory
with a published programme), then times two releases of today's date, each from a cold process:

- nothing under embargo: the committed build already is the release's (no dbt rebuild);
- two inspections under embargo: a scratch warehouse without them, rebuilt by dbt.

Prints each time, the peak memory of the process, and the files of the release with their sizes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = REPO / ".venv" / "bin" / "python"
sys.path.insert(0, str(REPO))


def run(args: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run([str(PYTHON), "-m", "flows.cli", *args], cwd=REPO, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"iaow {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return time.perf_counter() - started, result


def remove_release(folder: Path) -> None:
    if folder.exists():
        folder.chmod(0o700)
        shutil.rmtree(folder)
    marker = folder.parent / ".events" / folder.name
    marker.unlink(missing_ok=True)


def published_inspections(home: Path) -> list[str]:
    import duckdb

    with duckdb.connect(str(home / "warehouse" / "iaow.duckdb"), read_only=True) as connection:
        return [row[0] for row in connection.execute("select inspection_id from marts.dim_inspection order by 1").fetchall()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, help="a data directory with a published programme (default: a fresh demo)")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="iaow-bench-release-"))
    env = {**os.environ, "IAOW_HOME": str(home)}
    if args.home is None:
        seconds, _ = run(["demo"], env)
        print(f"demo published in {seconds:.1f} s ({home})")
    from flows.core.release_calendar import LONDON

    today = dt.datetime.now(LONDON).date().isoformat()
    releases = home / "releases"
    folder = releases / today
    inspections = published_inspections(home)
    releases.mkdir(exist_ok=True)
    dates = releases / "report_dates.csv"
    kept = dates.read_text(encoding="utf-8") if dates.exists() else None

    def released(embargoed: list[str]) -> None:
        dates.write_text("inspection_id,report_published_on\n" + "".join(
            f"{i},2000-01-01\n" for i in inspections if i not in embargoed), encoding="utf-8")

    figures = []
    for label, embargoed in (("nothing under embargo", []), ("2 inspections under embargo", inspections[:2])):
        remove_release(folder)
        released(embargoed)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        seconds, result = run(["release"], env)
        peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
        figures.append((label, seconds, peak))
        print(f"iaow release, {label}: {seconds:.1f} s (cold process; peak RSS of the bench's children {peak:.0f} MB)")
        print("  " + result.stdout.splitlines()[0])
    print(f"\nfiles of release {today} ({len(inspections)} published inspections, 2 under embargo):")
    total = 0
    for file in sorted(folder.iterdir()):
        total += file.stat().st_size
        print(f"  {file.stat().st_size:>10,}  {file.name}")
    print(f"  {total:>10,}  in all")
    if kept is not None:
        dates.write_text(kept, encoding="utf-8")


if __name__ == "__main__":
    main()
