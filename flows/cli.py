"""`iaow`: the platform's command line.

Exit codes: 0 done (published or unchanged), 1 return rejected, 2 usage error, 3 platform error
(nothing published; the details are in the Prefect UI and logs/iaow.log).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
import traceback
from pathlib import Path

from flows.config import paths, prefect_ui_url

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_PLATFORM = 0, 1, 2, 3


class PlatformError(Exception):
    pass


def _say(message: str = "", err: bool = False) -> None:
    print(message, file=sys.stderr if err else sys.stdout, flush=True)


def _log_exception(error: BaseException) -> Path:
    p = paths()
    p.logs.mkdir(parents=True, exist_ok=True)
    log = p.logs / "iaow.log"
    with open(log, "a") as handle:
        handle.write(f"--- {time.strftime('%Y-%m-%dT%H:%M:%S')} pid {os.getpid()}\n")
        handle.write("".join(traceback.format_exception(error)))
    return log


def ensure_server() -> None:
    from flows.services import server_healthy, start_server

    if server_healthy():
        return
    _say(f"Starting the local Prefect server at {prefect_ui_url()} (SQLite under {paths().prefect_home}) ...", err=True)
    try:
        start_server(paths())
    except RuntimeError as error:
        raise PlatformError(str(error)) from error


# ------------------------------------------------------------------ commands


def cmd_ingest(args: argparse.Namespace) -> int:
    from flows.contract import UsageError, locate_return

    try:
        locate_return(Path(args.path))
    except UsageError as error:
        _say(f"iaow ingest: {error}", err=True)
        return EXIT_USAGE
    ensure_server()
    from flows.ingest import ingest_return, outcome_of

    async def run():
        return await outcome_of(await ingest_return(str(Path(args.path).resolve()), return_state=True))

    outcome = asyncio.run(run())
    return report_outcome(outcome)


def report_outcome(outcome) -> int:
    if outcome.status == "rejected":
        _say(outcome.summary, err=True)
        _say(f"Validation report: {outcome.report_folder / 'report.html'}", err=True)
        return EXIT_REJECTED
    _say(outcome.summary)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from flows.demo import write_demo_programme

    started = time.perf_counter()
    p = paths()
    returns = write_demo_programme(p.landing)
    _say(f"Wrote {len(returns)} synthetic demo returns under {p.landing_inspections}")
    if args.no_ingest:
        return EXIT_OK
    ensure_server()
    from flows.ingest import process_returns

    outcomes = asyncio.run(process_returns([str(r) for r in returns]))
    rejected = [o for o in outcomes if o.status == "rejected"]
    _say("")
    _say(f"{'inspection':<28} {'status':<10} outcome scores (%) 1-5")
    for outcome in outcomes:
        scores = " ".join(f"{pct if pct is not None else '-':>3}" for _, _, pct in outcome.scores)
        _say(f"{outcome.return_name:<28} {outcome.status:<10} {scores}")
    for outcome in rejected:
        _say(outcome.summary, err=True)
    _say("")
    _say(f"Done in {time.perf_counter() - started:.0f} s. Where to look:")
    _say(f"  published warehouse (open read-only): {p.published_db}")
    _say(f"      .venv/bin/duckdb -readonly {p.published_db} \"select * from marts.fct_outcome_scores\"")
    _say(f"  Prefect UI (runs, artifacts, events): {prefect_ui_url()}")
    _say(f"  validation reports of rejected returns: {p.quarantine}")
    _say(f"  raw returns as received: {p.archive}")
    return EXIT_REJECTED if rejected else EXIT_OK


def cmd_up(args: argparse.Namespace) -> int:
    from flows.services import start_server

    status = start_server(paths())
    _say(f"Prefect server: {'healthy' if status.healthy else 'NOT healthy'} (pid {status.pid or 'not ours'})")
    _say(f"  UI:  {status.ui_url}")
    _say(f"  API: {status.api_url}")
    return EXIT_OK if status.healthy else EXIT_PLATFORM


def cmd_down(args: argparse.Namespace) -> int:
    from flows.services import stop_server

    _say("Prefect server stopped" if stop_server(paths()) else "No Prefect server started from this data directory is running")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from flows.services import status
    from flows.warehouse import query, table_exists

    p = paths()
    server = status(p)
    _say(f"data directory:  {p.home}")
    _say(f"Prefect server:  {'up' if server.healthy else 'down'} at {server.ui_url}")
    if not table_exists(p.published_db, "marts", "dim_inspection"):
        _say(f"published warehouse: none yet ({p.published_db})")
        return EXIT_OK
    rows = query(
        p.published_db,
        "select inspection_id, group_id, position_in_group, n_cases, published_at from marts.dim_inspection order by group_id, position_in_group",
    )
    _say(f"published warehouse: {p.published_db} ({len(rows)} inspections)")
    for inspection_id, group_id, position, n_cases, published_at in rows:
        _say(f"  {inspection_id:<28} {group_id} #{position}  {n_cases} cases  published {published_at:%Y-%m-%d %H:%M:%S %Z}")
    quarantined = sorted(p.quarantine.glob("*/*/report.md")) if p.quarantine.exists() else []
    if quarantined:
        _say(f"rejected returns in quarantine: {len(quarantined)}")
        for report in quarantined:
            _say(f"  {report.parent.parent.name}: {report}")
    return EXIT_OK


def cmd_dbt(args: argparse.Namespace) -> int:
    """Run dbt against a scratch copy of the private warehouse: never the committed or published file."""
    from flows.transform import DbtBuildFailed, run_dbt
    from flows.warehouse import stage_next

    p = paths()
    scratch = stage_next(p, p.dev_private_db)
    try:
        if args.dbt_args[:1] == ["docs"]:
            # The docs catalogue reads column types from the built relations, so build them first.
            run_dbt(p, scratch, ["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"])
        run_dbt(p, scratch, args.dbt_args)
    except DbtBuildFailed as failure:
        _say(str(failure), err=True)
        return EXIT_PLATFORM
    _say(f"dbt {' '.join(args.dbt_args)}: ok (against a scratch copy, {scratch})")
    return EXIT_OK


# ------------------------------------------------------------------ entry point


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="iaow", description="IAOW inspection data platform")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="validate and publish one return (a folder or .xlsx); waits for the result")
    ingest.add_argument("path", help="return folder landing/inspections/<inspection_id>/ or <inspection_id>.xlsx")
    ingest.set_defaults(run=cmd_ingest)

    demo = commands.add_parser("demo", help="write the synthetic demo programme into landing/ and publish it")
    demo.add_argument("--no-ingest", action="store_true", help="only write the returns")
    demo.set_defaults(run=cmd_demo)

    commands.add_parser("up", help="start the local Prefect server (harmless if running)").set_defaults(run=cmd_up)
    commands.add_parser("down", help="stop the local Prefect server").set_defaults(run=cmd_down)
    commands.add_parser("status", help="services and published inspections").set_defaults(run=cmd_status)

    dbt = commands.add_parser("dbt", help="run dbt (e.g. `iaow dbt docs generate`) on a scratch copy of the private warehouse")
    dbt.add_argument("dbt_args", nargs=argparse.REMAINDER)
    dbt.set_defaults(run=cmd_dbt)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)  # exits 2 on usage errors, as argparse does
    logging.captureWarnings(True)
    try:
        return args.run(args)
    except PlatformError as error:
        _say(f"iaow {args.command}: {error}", err=True)
        return EXIT_PLATFORM
    except KeyboardInterrupt:
        _say("interrupted; nothing half-published (the published warehouse changes only by an atomic rename)", err=True)
        return 130
    except Exception as error:  # a platform defect: say so briefly, keep the traceback in the log
        log = _log_exception(error)
        _say(f"iaow {args.command}: platform error: {type(error).__name__}: {error}", err=True)
        _say(f"Nothing was published by this run. Traceback: {log}; runs: {prefect_ui_url()}", err=True)
        return EXIT_PLATFORM


if __name__ == "__main__":
    sys.exit(main())
