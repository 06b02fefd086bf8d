"""Benchmark: the team setup. A Prefect server on PostgreSQL with authentication, two workers, the
marts served from PostgreSQL.

    .venv/bin/python bench/bench_team.py [--returns 20]

Starts a throwaway PostgreSQL cluster (tests/postgres.py: Debian's postgresql, as the postgres
user when run as root, or IAOW_TEST_POSTGRES_URL), a fresh data directory, `iaow up` (server,
worker, watcher) and a second `iaow worker`. Then prints:

- `_READY` -> published, p50 and p95, for N returns dropped one after another (the demo's, then
  corrected versions of them), each waited for before the next (latency, not queueing);
- the serving database's refresh (`iaow serve --refresh`), three times;
- a worker killed with kill -9 while it holds the writer slot: time to its run being Crashed, and
  to the return published by the other worker.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CREDENTIAL = "bench:correct-horse-battery-staple"


def crashed(name: str) -> bool:
    async def read():
        from prefect.client.orchestration import get_client
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

        async with get_client() as client:
            runs = await client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[name])))
            return any(run.state.type.value == "CRASHED" for run in runs)

    return asyncio.run(read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--returns", type=int, default=20)
    args = parser.parse_args()

    from tests.integration.test_event_driven import drop, published_hashes, sha_of, wait_for
    from tests.postgres import free_port, fresh_database, postgres_server
    from tests.return_edits import flip_an_answer

    with postgres_server() as url:
        home = Path(tempfile.mkdtemp(prefix="iaow-bench-team-"))
        port = free_port()
        environment = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
        environment.update(IAOW_HOME=str(home), IAOW_PREFECT_PORT=str(port), IAOW_PREFECT_AUTH=CREDENTIAL,
                           IAOW_PREFECT_DATABASE_URL=fresh_database(url, "bench_prefect"),
                           IAOW_SERVING_URL=fresh_database(url, "bench_serving"))
        # This process reads the server too (the crash check): point it there before Prefect loads.
        os.environ.update(PREFECT_API_URL=f"http://127.0.0.1:{port}/api", PREFECT_API_AUTH_STRING=CREDENTIAL)

        def iaow(*command: str) -> subprocess.CompletedProcess:
            return subprocess.run([sys.executable, "-m", "flows.cli", *command], cwd=REPO, env=environment,
                                  capture_output=True, text=True)

        started = time.perf_counter()
        up = iaow("up")
        if up.returncode:
            sys.exit(up.stdout + up.stderr)
        print(f"iaow up on PostgreSQL with authentication: {time.perf_counter() - started:.1f} s")
        second = subprocess.Popen([sys.executable, "-m", "flows.cli", "worker"], cwd=REPO, env=environment,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            from flows import demo
            from flows.config import Paths

            p = Paths(home)
            staging = Path(tempfile.mkdtemp(prefix="iaow-bench-team-returns-"))
            demo.write_demo_programme(staging)
            names = sorted(path.name for path in (staging / "inspections").iterdir())
            time.sleep(20)  # the second worker's imports
            latencies = []
            for number in range(args.returns):
                name = names[number % len(names)]
                source = staging / "inspections" / name
                if number >= len(names):  # a corrected version: one more answer flipped each round
                    source = staging / f"v{number}" / name
                    shutil.copytree(staging / "inspections" / name, source)
                    flip_an_answer(4 + number // len(names))(source)
                folder = drop(source, p)
                sha = sha_of(folder)
                dropped = time.perf_counter()
                wait_for(f"{name} published", lambda: sha in published_hashes(p), 300)
                latencies.append(time.perf_counter() - dropped)
                print(f"  {number + 1:>2} {name:<28} {latencies[-1]:5.1f} s")
            ordered = sorted(latencies)
            p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
            print(f"_READY -> published over {len(latencies)} returns, two workers: p50 {statistics.median(latencies):.1f} s, "
                  f"p95 {p95:.1f} s")

            refreshes = []
            for _ in range(3):
                at = time.perf_counter()
                result = iaow("serve", "--refresh")
                refreshes.append(time.perf_counter() - at)
                if result.returncode:
                    sys.exit(result.stderr)
            print(f"iaow serve --refresh (cold process): {', '.join(f'{s:.1f}' for s in refreshes)} s; {result.stdout.strip()}")

            from flows.storage.writer import holder_record

            source = staging / "kill" / "placeholder-area-b-2013"
            shutil.copytree(staging / "inspections" / "placeholder-area-b-2013", source)
            flip_an_answer(9)(source)
            folder = drop(source, p)
            sha = sha_of(folder)
            workers = {int((p.run / "worker.pid").read_text()), second.pid}
            holder = wait_for("a writer", lambda: holder_record(p).get("pid") in workers and holder_record(p)["pid"], 300)
            os.kill(holder, signal.SIGKILL)
            killed = time.perf_counter()
            wait_for("the run Crashed", lambda: crashed("ingest-placeholder-area-b-2013"), 400)
            to_crashed = time.perf_counter() - killed
            wait_for("the return published", lambda: sha in published_hashes(p), 400)
            print(f"kill -9 of the worker in the writer slot: run Crashed after {to_crashed:.0f} s, the return published "
                  f"by the other worker after {time.perf_counter() - killed:.0f} s (published {published_hashes(p).count(sha)} time)")
        finally:
            second.kill()
            iaow("down")


if __name__ == "__main__":
    main()
