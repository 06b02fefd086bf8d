"""Benchmark: latency from `_READY` to published, with the worker and the landing watcher running.

    .venv/bin/python bench/bench_events.py [--returns 10]

Starts a worker and a watcher for a fresh data directory (the Prefect server is the running one,
or one started here), then drops demo returns one after another: the files, then `_READY`, and
waits until the published warehouse holds the return. Prints p50 and p95 (targets: 10 s and
20 s on 2 cores) and where the time goes, from the watcher's ledger and the server's run record:
detection by the watcher, event to flow run (the server's trigger), flow run waiting for the
worker, and the run itself.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import shutil
import statistics
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
    latencies, ready_at, published_at = [], {}, {}
    try:
        for inspection in demo.DEMO_INSPECTIONS[: args.returns]:
            source = staging / "inspections" / inspection.inspection_id
            target = p.landing_inspections / inspection.inspection_id
            target.mkdir(parents=True)
            for file in source.iterdir():
                if file.name != READY_MARKER:
                    shutil.copy2(file, target / file.name)
            sha256, _ = content_hash(content_files(target))
            (target / READY_MARKER).touch()
            t0 = time.perf_counter()
            ready_at[inspection.inspection_id] = dt.datetime.now(dt.timezone.utc)
            while not (
                table_exists(p.published_db, "marts", "dim_inspection")
                and query(p.published_db, "select 1 from marts.dim_inspection where return_sha256 = ?", [sha256])
            ):
                if time.perf_counter() - t0 > 300:
                    sys.exit(f"{inspection.inspection_id} was not published within 300 s; see {p.logs}")
                time.sleep(0.05)
            latencies.append(time.perf_counter() - t0)
            published_at[inspection.inspection_id] = dt.datetime.now(dt.timezone.utc)
            print(f"{inspection.inspection_id:<28} {latencies[-1]:5.1f} s", flush=True)

        async def runs():
            async with get_client() as client:
                return await client.read_flow_runs(flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=[f"home-{p.home_id}"])))

        # The file is published before its run ends: wait until every run is final.
        deadline = time.monotonic() + 60
        while True:
            by_name = {run.name: run for run in asyncio.run(runs()) if run.name.startswith("ingest-") and run.state.is_final()}
            if all(f"ingest-{i}" in by_name for i in ready_at) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        missing = [i for i in ready_at if f"ingest-{i}" not in by_name]
        if missing:
            sys.exit(f"no finished run found for {missing}; runs seen: {sorted(by_name)}")
        landed = Ledger(p.landed_ledger).latest_by_id("inspection")
        stages: dict[str, list[float]] = {"watcher_detects": [], "trigger_creates_run": [], "run_waits_for_worker": [], "run": []}
        for inspection_id, ready in ready_at.items():
            run = by_name[f"ingest-{inspection_id}"]
            seen = dt.datetime.fromisoformat(landed[inspection_id].landed_at)
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
    print(f"target p50 <= 10 s: {'met' if p50 <= 10 else 'MISSED'}; p95 <= 20 s: {'met' if p95 <= 20 else 'MISSED'}")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
