"""`iaow`: the platform's command line.

Exit codes (CONTRACT.md): 0 done (published or unchanged; a warning when steps after the
publication are left for the next run), 1 input rejected, 2 usage error (a bad path or setting),
3 platform error (the message says what stands; the details are in the Prefect UI and
logs/iaow.log).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

from flows.config import ConfigurationError, check_settings, paths, prefect_ui_url, prepare_environment
from flows.storage.files import PRIVATE_UMASK

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_PLATFORM = 0, 1, 2, 3
# After a platform error in these, say what stands (a release needs not: a crash leaves no folder).
PUBLISHING_COMMANDS = ("ingest", "demo", "rebuild")
UNCHECKED_COMMANDS = ("down", "status")  # work whatever the settings say: stopping must always be possible


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
    from flows.runtime.services import server_healthy, start_server

    if server_healthy():
        return
    _say(f"Starting the local Prefect server at {prefect_ui_url()} (SQLite under {paths().prefect_home}) ...", err=True)
    try:
        start_server(paths())
    except RuntimeError as error:
        raise PlatformError(str(error)) from error


# ------------------------------------------------------------------ commands


def cmd_ingest(args: argparse.Namespace) -> int:
    from flows.sources.base import UsageError
    from flows.sources.registry import inputs_in

    try:
        found = [path for given in args.paths for path in inputs_in(Path(given))]
    except UsageError as error:
        _say(f"iaow ingest: {error}", err=True)
        return EXIT_USAGE
    if not found:
        _say(f"iaow ingest: no inputs in {' '.join(args.paths)}", err=True)
        return EXIT_USAGE
    ensure_server()
    from flows.pipeline.ingest import ingest_any, ingest_batch, outcome_of

    # absolute, not resolved: a link is judged, never followed
    async def run():
        with home_tags():
            if len(found) == 1:
                return [await outcome_of(await ingest_any(str(found[0].absolute())))]
            return await ingest_batch([str(path.absolute()) for path in found])

    outcomes = asyncio.run(run())
    published = sorted({o.publication_id for o in outcomes if o.status == "published"})
    for publication_id in published:
        render_score_sheets_after(publication_id)
    codes = [report_outcome(outcome) for outcome in outcomes]
    if len(outcomes) > 1:
        counts = {status: sum(o.status == status for o in outcomes) for status in ("published", "unchanged", "rejected")}
        _say(f"{len(outcomes)} inputs: {counts['published']} published"
             + (f" in one publication ({published[0]})" if len(published) == 1 else "")
             + f", {counts['unchanged']} unchanged, {counts['rejected']} rejected")
    return max(codes)


def render_score_sheets_after(publication_id: str | None) -> None:
    """What the score-sheets deployment does on iaow.scores.published, for a publication made by
    hand, when no worker may be running to react. A failure is said, never fatal: the publication
    stands, and `iaow report` renders them again."""
    from flows.reporting.score_sheets import render_score_sheets_of_publication

    try:
        render_score_sheets_of_publication(paths(), publication_id)
    except Exception as error:
        log = _log_exception(error)
        _say(f"iaow: published, but the score sheets were not rendered ({type(error).__name__}; {log}); "
             "`iaow report all` renders them", err=True)


def home_tags():
    """Tag runs started here as the deployments' runs are: with this data directory's id."""
    from prefect import tags

    return tags("iaow", f"home-{paths().home_id}")


def report_outcome(outcome) -> int:
    if outcome.status == "rejected":
        _say(outcome.summary, err=True)
        _say(f"Validation report: {outcome.report_folder / 'report.html'}", err=True)
        return EXIT_REJECTED
    _say(outcome.summary)
    if outcome.left:
        _say(f"warning: {outcome.return_name} is published, but not everything after it was done; "
             "the next run finishes it (see `iaow status`)", err=True)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from flows.demo import write_demo_programme, write_demo_surveys

    started = time.perf_counter()
    p = paths()
    returns = write_demo_programme(p.landing)
    # After the inspections: a delivery may only name areas the platform knows.
    deliveries = write_demo_surveys(p.landing)
    _say(f"Wrote {len(returns)} synthetic demo returns under {p.landing_inspections}")
    _say(f"Wrote {len(deliveries)} synthetic offender survey deliveries under {p.landing_surveys}")
    if args.no_ingest:
        return EXIT_OK
    ensure_server()
    from flows.pipeline.ingest import process_returns

    with home_tags():
        outcomes = asyncio.run(process_returns([str(r) for r in [*returns, *deliveries]]))
    rejected = [o for o in outcomes if o.status == "rejected"]
    from flows.reporting.group_report import published_groups, render_group_report
    from flows.reporting.pdf import PdfUnavailable

    try:
        reports = [render_group_report(p, group_id) for group_id in published_groups(p)]
    except PdfUnavailable as no_pdf:
        _say(f"iaow demo: published, but the group reports' PDFs were not printed: {no_pdf}", err=True)
        return EXIT_PLATFORM
    _say("")
    _say(f"{'inspection':<28} {'status':<10} outcome scores (%) 1-5")
    for outcome in outcomes:
        if not outcome.scores:
            _say(f"{outcome.return_name:<28} {outcome.status:<10} {outcome.published.text if outcome.published else ''}")
            continue
        scores = " ".join(f"{pct if pct is not None else '-':>3}" for _, _, pct in outcome.scores)
        _say(f"{outcome.return_name:<28} {outcome.status:<10} {scores}")
    for outcome in rejected:
        _say(outcome.summary, err=True)
    release = publish_demo_release(p)
    _say("")
    _say(f"Done in {time.perf_counter() - started:.0f} s. Where to look:")
    _say(f"  published warehouse (open read-only): {p.published_db}")
    _say(f"      .venv/bin/duckdb -readonly {p.published_db} \"select * from marts.fct_outcome_scores\"")
    for report in reports:
        _say(f"  group report ({report.state}): {report.path} and {report.pdf_path.name}")
    _say(f"  score sheets: {p.score_sheets}/<inspection_id>.html; dashboard: make dashboard")
    if release is not None:
        _say(f"  statistical release ({release.status}, SYNTHETIC): {release.folder}/README.html")
    _say(f"  Prefect UI (runs, artifacts, events): {prefect_ui_url()}")
    _say(f"  validation reports of rejected returns: {p.quarantine}")
    _say(f"  raw returns as received: {p.archive}")
    return EXIT_REJECTED if rejected else EXIT_OK


def _release_date(text: str):
    """--as-of, parsed by argparse (a bad one is a usage error, exit 2)."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: must be a date written YYYY-MM-DD") from None


def cmd_release(args: argparse.Namespace) -> int:
    """Build and publish one statistical release now (the scheduled deployment does it at 9:30)."""
    from flows.core.release_calendar import ReleaseInputRejected
    from flows.pipeline.release_build import ReleaseRefused
    from flows.storage.release_scope import NothingPublished

    ensure_server()
    from flows.pipeline.release import release

    try:
        with home_tags():
            outcome = asyncio.run(release(args.as_of.isoformat() if args.as_of else None))
    except ReleaseInputRejected as rejected:
        _say(f"iaow release: {rejected}", err=True)
        return EXIT_REJECTED
    except (ReleaseRefused, NothingPublished) as refused:
        _say(f"iaow release: {refused}", err=True)
        return EXIT_USAGE
    _say(outcome.summary)
    for name, size in outcome.files:
        _say(f"  {size:>10,}  {name}")
    return EXIT_OK


def publish_demo_release(p):
    """The demo's first statistical release, as of today, from the demo's report dates and calendar
    (written only where the research team has none). A failure is said; the publication stands."""
    import datetime as dt

    from flows.core.release_calendar import LONDON
    from flows.demo.releases import write_demo_release_files
    from flows.pipeline.release import release

    write_demo_release_files(p.release_calendar, p.report_dates, dt.datetime.now(LONDON).date())
    try:
        with home_tags():
            return asyncio.run(release())
    except Exception as error:
        log = _log_exception(error)
        _say(f"iaow demo: published, but the statistical release was not built ({type(error).__name__}: {error}; "
             f"{log}); `iaow release` builds it", err=True)
        return None


def cmd_serve(args: argparse.Namespace) -> int:
    """Bring the serving database's `marts` up to date with the published file now."""
    from flows.config import serving_reader_role, serving_url
    from flows.storage.published import PublishedFileMissing
    from flows.storage.serving import ServingFailed, serve_published

    p = paths()
    url = serving_url()
    if url is None:
        _say("iaow serve: no serving database is configured (IAOW_SERVING_URL)", err=True)
        return EXIT_USAGE
    try:
        served = serve_published(p.published_db, url, serving_reader_role())
    except PublishedFileMissing as missing:
        _say(f"iaow serve: {missing}", err=True)
        return EXIT_USAGE
    except ServingFailed as failed:
        _say(f"iaow serve: the serving database was not brought up to date: {failed}", err=True)
        return EXIT_PLATFORM
    _say(f"serving database up to date: {served.publication_id}, {served.tables} tables, {served.rows:,} rows "
         f"in {served.seconds:.1f} s")
    return EXIT_OK


def cmd_up(args: argparse.Namespace) -> int:
    """Server, worker and landing watcher; harmless when they already run."""
    from flows.runtime.services import BACKGROUND_SERVICES, start_background, start_server, wait_until_worker_ready

    p = paths()
    status = start_server(p)
    _say(f"Prefect server: {'healthy' if status.healthy else 'NOT healthy'} (pid {status.pid or 'not ours'})")
    _say(f"  UI:  {status.ui_url}")
    _say(f"  API: {status.api_url}")
    if not status.healthy:
        return EXIT_PLATFORM
    for name in BACKGROUND_SERVICES:
        pid, started = start_background(p, name)
        _say(f"{name}: {'started' if started else 'already running'} (pid {pid}; log {p.logs / (name + '.log')})")
    if not wait_until_worker_ready(p):
        _say(f"the worker did not become ready; see {p.logs / 'worker.log'}", err=True)
        return EXIT_PLATFORM
    _say(f"Ready: drop a return into {p.landing_inspections}/<inspection_id>/ and create _READY in it last,")
    _say(f"or save {p.landing_inspections}/<inspection_id>.xlsx under its final name; runs appear in the UI.")
    return EXIT_OK


def cmd_down(args: argparse.Namespace) -> int:
    from flows.runtime.services import BACKGROUND_SERVICES, stop_background, stop_server

    p = paths()
    for name in reversed(list(BACKGROUND_SERVICES)):
        _say(f"{name} stopped" if stop_background(p, name) else f"no {name} of this data directory is running")
    _say("Prefect server stopped" if stop_server(p) else "No Prefect server started from this data directory is running")
    return EXIT_OK


def _service_logging() -> None:
    """A service's log, on stdout (`iaow up` sends it to logs/<name>.log; a service manager to its
    journal): the platform's own lines (loggers `iaow.*`) from INFO, Prefect's and the libraries'
    from WARNING. Called before Prefect is imported: its logging config then owns the root logger
    (WARNING, its console at PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL, which the CLI keeps quiet),
    so logging.basicConfig would add nothing and the platform's INFO lines would be dropped."""
    os.environ["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "WARNING"
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    platform = logging.getLogger("iaow")
    platform.addHandler(handler)
    platform.setLevel(logging.INFO)
    platform.propagate = False


def _run_until_signalled(serve) -> int:
    """Run a service in the foreground until SIGTERM or SIGINT."""
    import signal

    stopping = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.append(True))
    serve(lambda: bool(stopping))
    return EXIT_OK


def cmd_worker(args: argparse.Namespace) -> int:
    _service_logging()
    from flows.runtime.services import prepare_service_folders
    from flows.runtime.worker import serve_in_process

    p = paths()
    prepare_service_folders(p)  # run/ and logs/ of this machine, as `iaow up` makes them
    return _run_until_signalled(lambda stop: asyncio.run(serve_in_process(p, stop)))


def cmd_watch(args: argparse.Namespace) -> int:
    _service_logging()
    from flows.runtime.services import prepare_service_folders
    from flows.runtime.watcher import watch

    p = paths()
    prepare_service_folders(p)
    return _run_until_signalled(lambda stop: watch(p, p.home_id, stop))


def cmd_report(args: argparse.Namespace) -> int:
    from flows.reporting.group_report import GroupNotPublished, published_groups, render_group_report
    from flows.reporting.pdf import PdfUnavailable

    p = paths()
    groups = published_groups(p) if args.group_id == "all" else [args.group_id]
    if not groups:
        _say(f"iaow report: nothing is published yet in {p.published_db}", err=True)
        return EXIT_USAGE
    for group_id in groups:
        try:
            report = render_group_report(p, group_id)
        except GroupNotPublished as missing:
            _say(f"iaow report: {missing}", err=True)
            return EXIT_USAGE
        except PdfUnavailable as no_pdf:
            _say(f"{p.reports / group_id / 'index.html'} written; report.pdf not: {no_pdf}", err=True)
            return EXIT_PLATFORM
        state = "complete" if report.is_complete else f"PROVISIONAL, {report.n_inspections} of {report.group_size} inspections"
        _say(f"{report.path} and {report.pdf_path.name} ({state}; {len(report.score_sheets)} score sheets "
             f"in {p.score_sheets}; {report.seconds:.1f} s)")
    return EXIT_OK


def cmd_dashboard(args: argparse.Namespace) -> int:
    """The analysts' dashboard (Streamlit) in the foreground, on the published file of IAOW_HOME."""
    from flows.config import REPO_ROOT

    p = paths()
    if not p.published_db.exists():
        _say(f"iaow dashboard: nothing published yet in {p.published_db} (run `make demo` or `iaow ingest`)", err=True)
        return EXIT_USAGE
    _say(f"dashboard: http://{args.address}:{args.port} (reading {p.published_db} read-only; Ctrl-C stops it)")
    command = [
        sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "dashboards" / "app.py"),
        "--server.headless=true", f"--server.port={args.port}", f"--server.address={args.address}",
        "--browser.gatherUsageStats=false", "--server.fileWatcherType=none", "--global.developmentMode=false", "--client.toolbarMode=viewer",
    ]
    from flows.runtime.services import dashboard_environment

    return subprocess.call(command, env=dashboard_environment(), umask=PRIVATE_UMASK)  # never the pseudonym key


def cmd_rebuild(args: argparse.Namespace) -> int:
    ensure_server()
    from flows.pipeline.rebuild import rebuild_from_archive

    with home_tags():
        outcome = asyncio.run(rebuild_from_archive())
    _say(outcome.summary)
    for name in outcome.left_out:
        _say(f"  left out (rejected when received): {name}")
    render_score_sheets_after(outcome.publication_id)
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from flows.runtime.services import BACKGROUND_SERVICES, background_pid, status
    from flows.runtime.status import input_statuses, owed_steps, release_status, serving_status
    from flows.sources.registry import KINDS

    p = paths()
    server = status(p)
    _say(f"data directory:  {p.home}")
    _say(f"Prefect server:  {'up' if server.healthy else 'down'} at {server.ui_url}")
    for name in BACKGROUND_SERVICES:
        pid = background_pid(p, name)
        _say(f"{name + ':':<16} {f'running (pid {pid})' if pid else 'not running (iaow up)'}")
    _say(f"published warehouse: {p.published_db}")
    for kind in KINDS[::-1]:  # inspections first: what most readers look for
        rows = input_statuses(p, kind)
        published = sum(1 for row in rows if row.state == "published")
        _say(f"{kind.title} ({published} published):")
        for row in rows:
            _say(f"  {row.input_id:<28} {row.describe()}")
    serving = serving_status(p)
    if serving is not None:
        _say(f"serving database: {serving}")
    _say("statistical releases:")
    for line in release_status(p):
        _say(f"  {line}")
    owed = owed_steps(p)
    if owed:
        _say("publications that still owe steps (the next run delivers them):")
        for line in owed:
            _say(f"  {line}")
    return EXIT_OK


def cmd_dbt(args: argparse.Namespace) -> int:
    """Run dbt against a scratch copy of the private warehouse: never the committed or published file."""
    from flows.storage.transform import DbtBuildFailed, run_dbt
    from flows.storage.warehouse import stage_next

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

    ingest = commands.add_parser(
        "ingest", help="validate and publish inspection returns and offender survey deliveries; waits for the result. "
        "Several at once are checked one by one and every valid one is published in one publication",
    )
    ingest.add_argument(
        "paths", nargs="+", metavar="PATH",
        help="return folder landing/inspections/<inspection_id>/, workbook <inspection_id>.xlsx, "
        "survey delivery folder landing/surveys/<survey_id>/, or a folder of them (landing/, landing/inspections/)",
    )
    ingest.set_defaults(run=cmd_ingest)

    demo = commands.add_parser("demo", help="write the synthetic demo programme into landing/ and publish it")
    demo.add_argument("--no-ingest", action="store_true", help="only write the returns")
    demo.set_defaults(run=cmd_demo)

    commands.add_parser("up", help="start the Prefect server, the worker and the landing watcher (harmless if running)").set_defaults(run=cmd_up)
    commands.add_parser("down", help="stop the worker, the landing watcher and the Prefect server").set_defaults(run=cmd_down)
    commands.add_parser(
        "rebuild", help="rebuild the private and published warehouses from the archive alone, in one publication "
        "(after a lost or corrupted warehouse, or a changed methodology seed)",
    ).set_defaults(run=cmd_rebuild)
    commands.add_parser("status", help="services, and per inspection: landed, published (when) or rejected (why)").set_defaults(run=cmd_status)
    commands.add_parser("worker", help="run the worker in the foreground (`iaow up` starts it in the background)").set_defaults(run=cmd_worker)
    commands.add_parser("watch", help="run the landing watcher in the foreground").set_defaults(run=cmd_watch)
    report = commands.add_parser(
        "report", help="render a group's aggregate report (HTML, PDF, CSV tables) and its score sheets from the published warehouse"
    )
    report.add_argument("group_id", help="a group id, or `all` for every published group")
    report.set_defaults(run=cmd_report)
    dashboard = commands.add_parser("dashboard", help="start the analysts' dashboard (Streamlit) on the published warehouse")
    dashboard.add_argument("--port", type=int, default=8501)
    dashboard.add_argument("--address", default="127.0.0.1")
    dashboard.set_defaults(run=cmd_dashboard)

    release = commands.add_parser(
        "release", help="publish the statistical release of a date now, into releases/<date>/ (once: an existing "
        "release is never rebuilt); the scheduled deployment publishes the calendar's at their time")
    release.add_argument("--as-of", metavar="DATE", type=_release_date, help="the release's date, YYYY-MM-DD (default: today, UK time); "
                         "its cut-off is the calendar's for that date, else the date itself")
    release.set_defaults(run=cmd_release)

    serve = commands.add_parser(
        "serve", help="replace schema marts of the serving database (IAOW_SERVING_URL) with the published marts now")
    serve.add_argument("--refresh", action="store_true", required=True,
                       help="load the published file into the serving database, atomically")
    serve.set_defaults(run=cmd_serve)

    dbt = commands.add_parser("dbt", help="run dbt (e.g. `iaow dbt docs generate`) on a scratch copy of the private warehouse")
    dbt.add_argument("dbt_args", nargs=argparse.REMAINDER)
    dbt.set_defaults(run=cmd_dbt)
    return top


def main(argv: list[str] | None = None) -> int:
    # Before anything is created: whatever this process and its children (the Prefect server,
    # worker, watcher, DuckDB, dbt) write without saying otherwise is the owner's only.
    os.umask(PRIVATE_UMASK)
    args = parser().parse_args(argv)  # exits 2 on usage errors, as argparse does
    logging.captureWarnings(True)
    try:
        prepare_environment()
        if args.command not in UNCHECKED_COMMANDS:
            check_settings()  # a setting the platform cannot use is said now, not half-way through a run
        if args.command in PUBLISHING_COMMANDS:
            from flows.pipeline.progress import show_progress

            show_progress(sys.stderr.isatty())  # a person at a terminal sees it go; logs and pipes stay quiet
        return args.run(args)
    except ConfigurationError as error:
        _say(f"iaow {args.command}: {error}", err=True)
        return EXIT_USAGE
    except PlatformError as error:
        _say(f"iaow {args.command}: {error}", err=True)
        return EXIT_PLATFORM
    except KeyboardInterrupt:
        _say("interrupted; nothing half-published (the published warehouse changes only by an atomic rename)", err=True)
        return 130
    except Exception as error:  # a platform defect: say so briefly, keep the traceback in the log
        log = _log_exception(error)
        _say(f"iaow {args.command}: platform error: {type(error).__name__}: {error}", err=True)
        stands = f"{what_stands()} " if args.command in PUBLISHING_COMMANDS else ""
        _say(f"{stands}Traceback: {log}; runs: {prefect_ui_url()}", err=True)
        return EXIT_PLATFORM


def what_stands() -> str:
    """After a platform error: whether a publication is half-way (committed, not yet published, or
    owing steps), which the next run finishes; else that nothing was published."""
    try:
        from flows.runtime.status import owed_steps
        from flows.storage.warehouse import latest_publication_id

        p = paths()
        private, published = latest_publication_id(p.private_db), latest_publication_id(p.published_db)
        owed = owed_steps(p)
    except Exception:  # the data directory itself is unreadable: say nothing we cannot stand by
        return "What was published is unknown: see `iaow status`."
    if private is not None and private != published:
        return f"Publication {private} is committed but not yet published: the next run publishes it."
    still_owed = f" Earlier publications still owe, and the next run delivers: {'; '.join(owed)}." if owed else ""
    return "Nothing was published by this run." + still_owed


if __name__ == "__main__":
    sys.exit(main())
