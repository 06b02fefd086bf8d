"""Benchmark: `make demo` from an empty data directory, and a cold `iaow ingest` of one 85-case return.

    .venv/bin/python bench/bench_ingest.py [--runs 3]     (or: make bench)

Targets (issue 2): one return <= 30 s end to end from a cold process with the server up; the
demo (then ten returns, one process) <= 90 s after install. The demo now publishes eleven returns
and two offender survey deliveries. Prints the figures, and where the time
goes: imports of a cold process, each task of the ingest run as Prefect recorded it, and the
slowest dbt nodes of the last build (the bootstrap is one of them).
Every run uses its own fresh data directory; the Prefect server is the running one (or one
started here, whose start-up is reported separately).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = REPO / ".venv" / "bin" / "python"


def timed(command: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return elapsed, result


def import_seconds(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    output = subprocess.run([str(PYTHON), "-c", code], capture_output=True, text=True, check=True, cwd="/")
    return float(output.stdout.strip())


def task_durations(flow_run_name: str) -> tuple[float, dict[str, float]]:
    """Wall time of the newest run with this name, and its task runs' durations, from the server."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId, FlowRunFilterName, TaskRunFilter
    from prefect.client.schemas.sorting import FlowRunSort

    async def read():
        async with get_client() as client:
            runs = await client.read_flow_runs(
                flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[flow_run_name])),
                sort=FlowRunSort.START_TIME_DESC, limit=1,
            )
            run = runs[0]
            tasks = await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id])), task_run_filter=TaskRunFilter()
            )
            return run, tasks

    run, tasks = asyncio.run(read())
    durations: dict[str, float] = {}
    for task in tasks:
        if task.start_time and task.end_time:
            name = task.name.rsplit("-", 1)[0]
            durations[name] = durations.get(name, 0.0) + (task.end_time - task.start_time).total_seconds()
    return (run.end_time - run.start_time).total_seconds(), durations


def slowest_dbt_nodes(run_results: Path, count: int = 8) -> dict[str, float]:
    """The dbt nodes that took longest in the last build (dbt's own run_results.json)."""
    results = json.loads(run_results.read_text())["results"]
    ranked = sorted(results, key=lambda r: r["execution_time"], reverse=True)[:count]
    total = sum(r["execution_time"] for r in results)
    return {"all_nodes": round(total, 2), **{r["unique_id"].split(".", 2)[-1]: round(r["execution_time"], 3) for r in ranked}}


def corrected_copy(source: Path, target: Path, flip: int) -> Path:
    """A new version of the return (one answer changed), so every run publishes for real."""
    from tests.return_edits import flip_an_answer

    shutil.copytree(source, target)
    flip_an_answer(flip)(target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="cold ingests to time (median reported)")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="iaow-bench-"))
    os.environ["IAOW_HOME"] = str(scratch / "home")
    sys.path.insert(0, str(REPO))
    from flows.config import paths, prepare_environment  # noqa: E402  (after IAOW_HOME)

    prepare_environment()
    from flows.runtime.services import server_healthy, start_server

    figures: dict[str, object] = {"cpus": os.cpu_count()}
    if not server_healthy():
        started = time.perf_counter()
        start_server(paths())
        figures["prefect_server_start_s"] = round(time.perf_counter() - started, 2)

    # 1. make demo, after install, on an empty data directory: every demo return in one process.
    env = {**os.environ, "IAOW_HOME": str(scratch / "demo")}
    demo_s, _ = timed(["make", "--no-print-directory", "demo"], env)
    figures["make_demo_s"] = round(demo_s, 1)
    # The demo checks every input, then publishes them all in one publication (one batch run).
    batch_s, batch_tasks = task_durations("ingest-batch")
    figures["demo_batch_run_s"] = round(batch_s, 2)
    figures["demo_batch_tasks_s"] = {name: round(seconds, 2) for name, seconds in batch_tasks.items()}
    publications = 1
    figures["demo_publications"] = publications

    # 2. Cold `iaow ingest` of the 85-case Hampshire return into the demo warehouse.
    hampshire = scratch / "demo" / "landing" / "inspections" / "hampshire-2013"
    walls, flow_totals, breakdowns = [], [], []
    for run in range(args.runs):
        copy = corrected_copy(hampshire, scratch / f"run{run}" / "hampshire-2013", flip=10 + run)
        wall, result = timed([str(REPO / ".venv" / "bin" / "iaow"), "ingest", str(copy)], env)
        assert "published" in result.stdout, result.stdout
        walls.append(wall)
        total, tasks = task_durations("ingest-hampshire-2013")
        flow_totals.append(total)
        breakdowns.append(tasks)
    figures["cold_ingest_85_cases_s"] = {
        "median": round(statistics.median(walls), 2), "runs": [round(w, 2) for w in walls]
    }
    figures["ingest_flow_run_s_median"] = round(statistics.median(flow_totals), 2)
    figures["ingest_tasks_s_median"] = {
        name: round(statistics.median(b.get(name, 0.0) for b in breakdowns), 3) for name in breakdowns[0]
    }
    figures["slowest_dbt_nodes_s_last_build"] = slowest_dbt_nodes(scratch / "demo" / ".dbt" / "target" / "run_results.json")
    figures["peak_rss_of_children_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)

    # 3. Where a cold process's time goes before the flow starts.
    figures["import_s"] = {m: round(import_seconds(m), 2) for m in ("prefect", "great_expectations", "dbt.cli.main", "duckdb")}

    print(json.dumps(figures, indent=2))
    results = REPO / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"ingest-{time.strftime('%Y%m%dT%H%M%S')}.json").write_text(json.dumps(figures, indent=2) + "\n")
    verdict_one = figures["cold_ingest_85_cases_s"]["median"] <= 30
    verdict_demo = demo_s <= 90
    print(f"target one return <= 30 s: {'met' if verdict_one else 'MISSED'}; "
          f"demo <= 90 s: {'met' if verdict_demo else 'MISSED'} ({demo_s:.0f} s, eleven returns and two deliveries "
          f"in {publications} publication)")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
