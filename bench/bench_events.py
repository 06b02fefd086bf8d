"""Benchmark: latency from `_READY` to published, and the worker's memory over many publications,
with the worker and the landing watcher running.

    .venv/bin/python bench/bench_events.py [--returns 10]
    .venv/bin/python bench/bench_events.py --returns 200      (memory over 200 publications)

Starts a worker and a watcher for a fresh data directory (the Prefect server is the running one,
or one started here), then drops returns one after another: the files, then `_READY`, and
waits until the published warehouse holds the return. The first ten are the demo's returns;
after them each drop is a correction of one of them (one more yes/no answer turned each round,
so every drop is new content and publishes). Prints p50 and p95 (targets: 3 s and 6 s) and where
the time goes, from the watcher's ledger and the server's run record: detection by the watcher,
event to flow run (the server's trigger), flow run waiting for the worker, and the run itself;
and the worker's resident memory after each tenth publication, with its growth per publication
over the second half (the target: flat).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import shutil
import statistics
from collections import Counter
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    rank = q / 100 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def worker_rss_mb(pid: int) -> float:
    """Resident memory of the worker process now (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def growth_per_publication(samples: list[tuple[int, float]]) -> float:
    """Least-squares slope of MB against publications, over the second half of the samples:
    the first publications warm caches (dbt's manifest, imports) and are not growth."""
    tail = samples[len(samples) // 2:]
    if len(tail) < 2:
        return 0.0
    xs, ys = [x for x, _ in tail], [y for _, y in tail]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in tail) / spread if spread else 0.0


def turned(answers: str, count: int) -> str:
    """answers.csv with its first `count` yes/no answers turned: a valid, new version."""
    lines = answers.splitlines()
    left = count
    for number, line in enumerate(lines[1:], start=1):
        if left == 0:
            break
        fields = line.split(",")
        if len(fields) > 2 and fields[2] in ("yes", "no"):
            fields[2] = "no" if fields[2] == "yes" else "yes"
            lines[number] = ",".join(fields)
            left -= 1
    if left:
        raise ValueError(f"fewer than {count} yes/no answers to turn")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--returns", type=int, default=10)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="iaow-bench-events-"))
    os.environ["IAOW_HOME"] = str(scratch / "home")
    sys.path.insert(0, str(REPO))
    from flows.config import prepare_environment

    prepare_environment()  # before Prefect is imported
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags

    from flows import demo
    from flows.config import paths
    from flows.runtime.services import (
        BACKGROUND_SERVICES,
        background_pid,
        server_healthy,
        start_background,
        start_server,
        stop_background,
        stop_server,
        wait_until_worker_ready,
    )
    from flows.runtime.watcher import Ledger
    from flows.sources.base import READY_MARKER, content_files
    from flows.storage.archive import content_hash
    from flows.storage.warehouse import query, table_exists

    p = paths()
    figures: dict[str, object] = {"cpus": os.cpu_count(), "returns": args.returns}
    own_server = not server_healthy()
    if own_server:
        start_server(p)
    started = time.perf_counter()
    for name in BACKGROUND_SERVICES:
        start_background(p, name)
    if not wait_until_worker_ready(p):
        sys.exit(f"the worker did not start: {(p.logs / 'worker.log').read_text()[-2000:]}")
    figures["worker_ready_s"] = round(time.perf_counter() - started, 1)

    staging = scratch / "returns"
    demo.write_demo_programme(staging)
    latencies: list[float] = []
    first_returns = [inspection.inspection_id for inspection in demo.DEMO_INSPECTIONS[:10]]
    worker_pid = background_pid(p, "worker")
    memory: list[tuple[int, float]] = []
    drops: list[tuple[str, str, dt.datetime]] = []  # (inspection, content hash, when it was ready)
    try:
        for drop in range(args.returns):
            inspection_id = first_returns[drop % len(first_returns)]
            source = staging / "inspections" / inspection_id
            target = p.landing_inspections / inspection_id
            if drop < len(first_returns):
                target.mkdir(parents=True)
                for file in source.iterdir():
                    if file.name != READY_MARKER:
                        shutil.copy2(file, target / file.name)
            else:  # a correction: withdrawn, rewritten, ready again
                (target / READY_MARKER).unlink()
                answers = (source / "answers.csv").read_text()
                (target / "answers.csv").write_text(turned(answers, drop // len(first_returns)))
            sha256, _ = content_hash(content_files(target))
            (target / READY_MARKER).touch()
            t0 = time.perf_counter()
            drops.append((inspection_id, sha256, dt.datetime.now(dt.timezone.utc)))
            while not (
                table_exists(p.published_db, "marts", "dim_inspection")
                and query(p.published_db, "select 1 from marts.dim_inspection where return_sha256 = ?", [sha256])
            ):
                if time.perf_counter() - t0 > 300:
                    sys.exit(f"{inspection_id} was not published within 300 s; see {p.logs}")
                time.sleep(0.2)  # each look opens the published file: a tighter loop takes CPU from the worker
            latencies.append(time.perf_counter() - t0)
            line = f"{drop + 1:>4} {inspection_id:<28} {latencies[-1]:5.1f} s"
            if (drop + 1) % 10 == 0 or drop == 0:
                memory.append((drop + 1, worker_rss_mb(worker_pid)))
                line += f"   worker {memory[-1][1]:.0f} MB"  # said as it is taken: never lost with a later failure
            print(line, flush=True)

        async def runs():
            """Every run of this data directory: the API returns a page at a time (200 by default)."""
            found, page = [], 200
            async with get_client() as client:
                while True:
                    batch = await client.read_flow_runs(
                        flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=[f"home-{p.home_id}"])),
                        limit=page, offset=len(found))
                    found += batch
                    if len(batch) < page:
                        return found

        # The file is published before its run ends: wait until every run is final. The k-th drop
        # of an inspection is its k-th run.
        wanted = Counter(inspection_id for inspection_id, _, _ in drops)
        deadline = time.monotonic() + 60
        while True:
            by_name: dict[str, list] = {}
            for run in sorted(asyncio.run(runs()), key=lambda run: run.created):
                if run.name.startswith("ingest-") and run.state.is_final():
                    by_name.setdefault(run.name, []).append(run)
            if all(len(by_name.get(f"ingest-{i}", [])) >= n for i, n in wanted.items()) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        missing = [i for i, n in wanted.items() if len(by_name.get(f"ingest-{i}", [])) < n]
        if missing:
            sys.exit(f"not every run finished for {missing}; runs seen: {sorted(by_name)}")
        ledger = Ledger(p.landed_ledger)
        stages: dict[str, list[float]] = {"watcher_detects": [], "trigger_creates_run": [], "run_waits_for_worker": [], "run": []}
        seen_runs: Counter = Counter()
        for inspection_id, sha256, ready in drops:
            run = by_name[f"ingest-{inspection_id}"][seen_runs[inspection_id]]
            seen_runs[inspection_id] += 1
            seen = dt.datetime.fromisoformat(ledger.entries[sha256]["landed_at"])
            stages["watcher_detects"].append((seen - ready).total_seconds())
            stages["trigger_creates_run"].append((run.created - seen).total_seconds())
            stages["run_waits_for_worker"].append((run.start_time - run.created).total_seconds())
            stages["run"].append((run.end_time - run.start_time).total_seconds())
        figures["ready_to_published_s"] = {
            "p50": round(percentile(latencies, 50), 2),
            "p95": round(percentile(latencies, 95), 2),
            "max": round(max(latencies), 2),
            "each": [round(v, 2) for v in latencies],
        }
        figures["median_stage_s"] = {name: round(statistics.median(values), 2) for name, values in stages.items()}
        figures["worker_rss_mb"] = {str(n): round(mb) for n, mb in memory}
        figures["worker_growth_mb_per_publication"] = round(growth_per_publication(memory), 3)
    finally:
        for name in BACKGROUND_SERVICES:
            stop_background(p, name)
        if own_server:  # its database is in the scratch directory removed below
            stop_server(p)

    print(json.dumps(figures, indent=2))
    results = REPO / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"events-{time.strftime('%Y%m%dT%H%M%S')}.json").write_text(json.dumps(figures, indent=2) + "\n")
    p50, p95 = figures["ready_to_published_s"]["p50"], figures["ready_to_published_s"]["p95"]
    print(f"target p50 <= 3 s: {'met' if p50 <= 3 else 'MISSED'}; p95 <= 6 s: {'met' if p95 <= 6 else 'MISSED'}")
    print(f"worker memory after 1 / {memory[-1][0]} publications: {memory[0][1]:.0f} / {memory[-1][1]:.0f} MB; "
          f"growth over the second half {figures['worker_growth_mb_per_publication']} MB per publication")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
