"""Settings and the data directory's layout.

Every `IAOW_*` environment variable the platform reads is declared once, in `SETTINGS`, with its
default, its meaning and its validation; nothing else reads them (a test checks, and another
checks that the README's configuration table lists each one). Importing this module reads
nothing and writes nothing: entry points call `prepare_environment()` before Prefect is imported.
"""

from __future__ import annotations

import grp
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"


class ConfigurationError(ValueError):
    """An environment setting the platform cannot work with (a usage error, exit code 2)."""


# ------------------------------------------------------------------ parsers: text -> value, or why not


def _whole_number(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not re.fullmatch(r"[0-9]+", text.strip()):
            raise ValueError("must be a whole number")
        value = int(text)
        if value < minimum or (maximum is not None and value > maximum):
            upper = f" and at most {maximum}" if maximum is not None else ""
            raise ValueError(f"must be at least {minimum}{upper}")
        return value

    return parse


def _cron(text: str) -> str:
    if len(text.split()) != 5:
        raise ValueError("must be a cron expression of five fields (minute hour day month weekday), e.g. '30 2 * * *'")
    return text.strip()


def _text(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be empty")
    return text


def _path(text: str) -> Path:
    return Path(_text(text)).expanduser().resolve()


MIN_KEY_BYTES = 32  # HMAC-SHA256: a shorter key is weaker than the hash, and a short one can be guessed


def _key(text: str) -> str:
    if len(text.encode("utf-8")) < MIN_KEY_BYTES:
        raise ValueError(f"must be at least {MIN_KEY_BYTES} bytes long (UTF-8): a short key can be guessed, and "
                         "with it every pseudonym reversed")
    return text


def _postgres_url(text: str) -> str:
    if not re.fullmatch(r"postgres(ql)?://[^\s]+", text):
        raise ValueError("must be a PostgreSQL URL, postgresql://user:password@host:port/database")
    return text


def _credential(text: str) -> str:
    if not re.fullmatch(r"[^:\s]+:\S{12,}", text):
        raise ValueError("must be user:password, the password at least 12 characters, no spaces")
    return text


def _role(text: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", text):
        raise ValueError("must be a role name: lower-case letters, digits and underscores, at most 63")
    return text


def _group(text: str) -> int:
    """A group name (or number) the platform's user can give its published files to: its gid."""
    name = text.strip()
    try:
        gid = int(name) if name.isdigit() else grp.getgrnam(name).gr_gid
        grp.getgrgid(gid)
    except (KeyError, OverflowError):
        raise ValueError("must name a group that exists on this machine") from None
    if os.geteuid() != 0 and gid != os.getegid() and gid not in os.getgroups():
        raise ValueError("must name a group the platform's user belongs to (it cannot give files to another one)")
    return gid


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None  # None: no default; `default_text` says what happens then
    meaning: str
    parse: Callable[[str], Any] = _text
    default_text: str = ""  # how the README states the default, when it is not a plain value
    audience: str = "operators"  # "operators", or "developers" (tests and the platform's own plumbing)
    secret: bool = False  # never shown in a message, and never passed on to a process that does not need it


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("IAOW_HOME", None, "data directory: landing, archive, warehouse, reports, logs (see the layout table)",
                _path, default_text="the checkout"),
        Setting("IAOW_MACHINE_DIR", None, "this machine's own folder, when several machines share the data directory: "
                "`run/` (pid files, the watcher's ledger), `logs/`, `.dbt/` (dbt's build artefacts) and `.prefect/` "
                "go here instead, so no machine writes another's; give each machine its own local path",
                _path, default_text="the data directory (`IAOW_HOME`)"),
        Setting("IAOW_PSEUDONYM_KEY", None, "key of the HMAC pseudonyms of case references and respondent ids, "
                f"at least {MIN_KEY_BYTES} bytes (UTF-8); keep it secret and stable. Passed on to the worker only, never "
                "to the Prefect server, the watcher, the dashboard or Chromium",
                _key, default_text="generated once into `secrets/pseudonym.key`", secret=True),
        Setting("IAOW_PREFECT_HOST", "127.0.0.1", "where the local Prefect server listens"),
        Setting("IAOW_PREFECT_PORT", "4200", "port of the local Prefect server", _whole_number(1, 65535)),
        Setting("IAOW_PREFECT_DATABASE_URL", None, "run the local Prefect server (`iaow up`) on this PostgreSQL database "
                "(`postgresql://user:password@host:port/db`) instead of SQLite under `.prefect/`; Prefect migrates it "
                "at start. Passed on to the Prefect server only", _postgres_url,
                default_text="unset: SQLite under `.prefect/`", secret=True),
        Setting("IAOW_PREFECT_AUTH", None, "`user:password`: the Prefect server refuses every request without this "
                "credential (HTTP basic auth), and every client of the platform sends it (worker, watcher, `iaow`, "
                "tests); the Prefect UI asks for it. Given to the server as PREFECT_SERVER_API_AUTH_STRING and to "
                "clients as PREFECT_API_AUTH_STRING, never to Chromium or the dashboard", _credential,
                default_text="unset: no authentication (one machine, loopback only)", secret=True),
        Setting("IAOW_RESCORE_CRON", "30 2 * * *", "when the programme-wide rescore runs (cron, Europe/London)", _cron),
        Setting("IAOW_MAINTENANCE_CRON", "0 4 * * 0", "when old flow runs, logs and artifacts are pruned (cron, Europe/London)", _cron),
        Setting("IAOW_RELEASE_CRON", "*/15 * * * *", "how often the scheduled deployment looks for a statistical "
                "release whose time has come (cron, Europe/London); calendar times are on the quarter hour", _cron),
        Setting("IAOW_RETENTION_DAYS", "90", "how long Prefect's history (runs, logs, artifacts, events) is kept, in days",
                _whole_number(1)),
        Setting("IAOW_QUARANTINE_DAYS", "90", "how long a rejected input stays in `quarantine/` (its files as received "
                "and its validation report), in days from its rejection, before the weekly maintenance run deletes it. "
                "90 days leaves the research team time to contact the sender and receive a corrected return within one "
                "quarterly inspection cycle, while personal data held outside the system of record is kept no longer "
                "than that (at least 1)", _whole_number(1)),
        Setting("IAOW_PUBLISHED_GROUP", None, "a group (name) that may read what is published (`warehouse/iaow.duckdb`, "
                "`reports/`): those files are then given to it with mode 640 (folders 750), instead of 644 (folders "
                "755) for everyone; private files (private warehouse, quarantine, outbox, disclosure logs, key, "
                "logs, `.prefect/`) are always the owner's only (600, folders 700)", _group,
                default_text="unset: readable by everyone on the machine (644)"),
        Setting("IAOW_CHROMIUM", None, "the Chromium that prints report PDFs", default_text="`chromium` on the PATH"),
        Setting("IAOW_DISCLOSURE_THRESHOLD", "10", "smallest count of people published in survey and victim results "
                "(at least 2); applies from the next publication", _whole_number(2)),
        Setting("IAOW_SERVING_URL", None, "a PostgreSQL database (`postgresql://user:password@host:port/db`) whose "
                "schema `marts` each publication replaces with the published marts, for analysts' PostgreSQL tools; "
                "the user needs CREATE on the database and CREATEROLE. Passed on to the worker only",
                _postgres_url, default_text="unset: no serving database", secret=True),
        Setting("IAOW_SERVING_READER_ROLE", "iaow_analyst", "the PostgreSQL role (created NOLOGIN if missing) that may "
                "read `marts` of the serving database and nothing else: grant it to analysts' logins", _role),
        Setting("IAOW_CHECK_PROCESSES", None, "how many processes examine the inputs of one batch of 24 or more "
                "(`iaow ingest` of many, `iaow rebuild`): archive, parse, pseudonymise and GX validation; smaller "
                "batches and single inputs use one", _whole_number(1), default_text="the machine's cores"),
        Setting("IAOW_CRASH_AT", None, "fault tests only: the named crash point at which the process exits abruptly "
                "(`flows/storage/faults.py`)", default_text="unset: never", audience="developers"),
        Setting("IAOW_TEST_POSTGRES_URL", None, "tests and `bench/bench_team.py` only: a PostgreSQL superuser URL "
                "to use instead of starting a throwaway cluster", _postgres_url,
                default_text="unset: the tests start a throwaway cluster of their own", audience="developers", secret=True),
        Setting("IAOW_DBT_DATABASE", None, "set by the platform for each dbt invocation: the DuckDB file dbt builds "
                "(read by `dbt/profiles.yml`); never set it by hand", default_text="set per build", audience="developers"),
    )
}


def setting(name: str) -> Any:
    """The parsed value of a declared setting (its default when unset), or ConfigurationError naming it."""
    declared = SETTINGS[name]
    text = os.environ.get(name)
    if text is None or text == "":
        if declared.default is None:
            return None
        text = declared.default
    try:
        return declared.parse(text)
    except ValueError as error:
        value = " (its value is not shown)" if declared.secret else f", not {text!r}"
        raise ConfigurationError(f"{name} {error}{value}") from None


def check_settings() -> None:
    """Every declared setting parsed now: a value the platform cannot use is a ConfigurationError at
    start (the command's exit code 2), not a failure half-way through a run."""
    for name in SETTINGS:
        setting(name)


# Prefect's own settings that carry a secret: the server's (given to it alone, by the services
# that start it) and the client credential (for processes that call the Prefect API).
PREFECT_SERVER_SECRETS = ("PREFECT_SERVER_API_AUTH_STRING", "PREFECT_API_DATABASE_CONNECTION_URL")
PREFECT_CLIENT_SECRET = "PREFECT_API_AUTH_STRING"


def child_environment(keep_secrets: bool = False, prefect_client: bool = True, **values: str) -> dict[str, str]:
    """The environment for a child process: this one's, plus `values`, without the secret settings
    (the pseudonym key, the serving database) unless the child needs them (only the worker, which
    runs the flows, does), never the Prefect server's secrets unless given in `values`, and the
    Prefect credential only to a process that calls the Prefect API (`prefect_client`)."""
    secret = set() if keep_secrets else {name for name, declared in SETTINGS.items() if declared.secret}
    secret |= set(PREFECT_SERVER_SECRETS) | (set() if prefect_client else {PREFECT_CLIENT_SECRET})
    environment = {key: value for key, value in os.environ.items() if key not in secret}
    return {**environment, **values}


# ------------------------------------------------------------------ the settings, by name


def home() -> Path:
    return setting("IAOW_HOME") or REPO_ROOT.resolve()


def retention_days() -> int:
    return setting("IAOW_RETENTION_DAYS")


def disclosure_threshold() -> int:
    """Smallest count of people published; see int_disclosure_controlled_cells."""
    return setting("IAOW_DISCLOSURE_THRESHOLD")


def rescore_cron() -> str:
    return setting("IAOW_RESCORE_CRON")


def release_cron() -> str:
    return setting("IAOW_RELEASE_CRON")


def maintenance_cron() -> str:
    return setting("IAOW_MAINTENANCE_CRON")


def chromium() -> str | None:
    return setting("IAOW_CHROMIUM")


def quarantine_days() -> int:
    """How long a rejected input is kept in quarantine, in days from its rejection."""
    return setting("IAOW_QUARANTINE_DAYS")


def published_group() -> int | None:
    """The gid given what is published (IAOW_PUBLISHED_GROUP), or None: readable by everyone."""
    return setting("IAOW_PUBLISHED_GROUP")


def prefect_database_url() -> str | None:
    """IAOW_PREFECT_DATABASE_URL in the form Prefect's server wants (the asyncpg driver)."""
    url = setting("IAOW_PREFECT_DATABASE_URL")
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+asyncpg://", url) if url else None


def prefect_auth() -> str | None:
    return setting("IAOW_PREFECT_AUTH")


def serving_url() -> str | None:
    return setting("IAOW_SERVING_URL")


def serving_reader_role() -> str:
    return setting("IAOW_SERVING_READER_ROLE")


def check_processes() -> int:
    """Processes that examine a large batch's inputs (IAOW_CHECK_PROCESSES, or one per core)."""
    return setting("IAOW_CHECK_PROCESSES") or os.cpu_count() or 1


def pseudonym_key() -> str | None:
    return setting("IAOW_PSEUDONYM_KEY")


def crash_at() -> str | None:
    return setting("IAOW_CRASH_AT")


def prefect_api_url() -> str:
    """PREFECT_API_URL (Prefect's own setting) when set, else the local server's address."""
    return os.environ.get("PREFECT_API_URL") or f"http://{setting('IAOW_PREFECT_HOST')}:{setting('IAOW_PREFECT_PORT')}/api"


def prefect_ui_url() -> str:
    return prefect_api_url().removesuffix("/api")


DBT_DATABASE_ENV = "IAOW_DBT_DATABASE"
CRASH_ENV = "IAOW_CRASH_AT"
PSEUDONYM_KEY_ENV = "IAOW_PSEUDONYM_KEY"


# ------------------------------------------------------------------ the data directory


@dataclass(frozen=True)
class Paths:
    """The data directory's layout. Every component takes its paths from here."""

    home: Path

    @property
    def home_id(self) -> str:
        """Short id of this data directory: deployments and events of two data directories that
        share one Prefect server (a developer's and the tests') must never trigger each other."""
        return hashlib.sha256(str(self.home.resolve()).encode()).hexdigest()[:8]

    @property
    def landing(self) -> Path:
        return self.home / "landing"

    @property
    def landing_inspections(self) -> Path:
        return self.landing / "inspections"

    @property
    def landing_surveys(self) -> Path:
        return self.landing / "surveys"

    @property
    def disclosure(self) -> Path:
        """Disclosure logs, one per publication (the research team's, not the analysts')."""
        return self.home / "disclosure"

    @property
    def archive(self) -> Path:
        return self.home / "archive"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse"

    @property
    def private_db(self) -> Path:
        """The private warehouse: raw zone (pseudonymised) plus every dbt layer. Never opened by analysts."""
        return self.warehouse / "private.duckdb"

    @property
    def next_private_db(self) -> Path:
        # Same file name in a scratch folder: dbt bakes the catalog name (the file stem) into
        # views, so the next version must keep the stem to stay valid after the rename.
        return self.warehouse / ".next" / "private.duckdb"

    @property
    def dev_private_db(self) -> Path:
        """Scratch copy for developers' `iaow dbt ...`; never the writer's scratch or the committed file."""
        return self.warehouse / ".dev" / "private.duckdb"

    @property
    def published_db(self) -> Path:
        """The analyst-facing file: schema `marts` only, replaced atomically on publication."""
        return self.warehouse / "iaow.duckdb"

    @property
    def next_published_db(self) -> Path:
        return self.warehouse / ".publish" / "iaow.duckdb"

    @property
    def outbox(self) -> Path:
        """What committed publications still owe (disclosure log, events, artifact): one folder each."""
        return self.warehouse / ".outbox"

    @property
    def writer_lock(self) -> Path:
        return self.warehouse / ".writer.lock"

    @property
    def reports(self) -> Path:
        return self.home / "reports"

    @property
    def score_sheets(self) -> Path:
        return self.reports / "inspections"

    @property
    def secrets(self) -> Path:
        return self.home / "secrets"

    @property
    def pseudonym_key_file(self) -> Path:
        return self.secrets / "pseudonym.key"

    @property
    def machine(self) -> Path:
        """This machine's own folder (IAOW_MACHINE_DIR): what one machine writes for itself and
        others sharing the data directory must not touch. The data directory when unset."""
        return setting("IAOW_MACHINE_DIR") or self.home

    @property
    def prefect_home(self) -> Path:
        return Path(os.environ.get("PREFECT_HOME", self.machine / ".prefect"))

    @property
    def run(self) -> Path:
        """Pid files of this machine's services, and the watcher's ledger."""
        return self.machine / "run"

    @property
    def landed_ledger(self) -> Path:
        return self.run / "landed.json"

    @property
    def logs(self) -> Path:
        return self.machine / "logs"

    @property
    def releases(self) -> Path:
        """The public statistical releases: `<release_id>/` each, never modified once written, and
        the research team's two files that say what goes in them (`calendar.csv`, `report_dates.csv`)."""
        return self.home / "releases"

    @property
    def release_calendar(self) -> Path:
        return self.releases / "calendar.csv"

    @property
    def report_dates(self) -> Path:
        return self.releases / "report_dates.csv"

    @property
    def release_scope_db(self) -> Path:
        """Scratch copy of the private warehouse, cut to what a release may contain and rebuilt.
        Keeps the stem `private` (see next_private_db); holds embargoed rows until they are cut."""
        return self.warehouse / ".release" / "private.duckdb"

    @property
    def release_dbt_target(self) -> Path:
        # A release builds with its own dbt target: a worker's publication may build at the same time.
        return self.machine / ".dbt" / "release-target"

    @property
    def dbt_target(self) -> Path:
        # dbt's compiled artefacts (manifest, partial parse) are per data directory (per machine
        # with IAOW_MACHINE_DIR) so no two builders share stale state.
        return self.machine / ".dbt" / "target"

    # -------------------------------------------------------------- who may read what

    @property
    def private_folders(self) -> tuple[Path, ...]:
        """Folders whose every file is the owner's only (files 600, folders 700): personal data
        (rejected inputs as received, the private warehouse's scratch copies, what a publication
        owes, disclosure logs), the key, the logs and the Prefect database (flow parameters, logs)."""
        return (self.quarantine, self.secrets, self.disclosure, self.outbox, self.next_private_db.parent,
                self.dev_private_db.parent, self.next_published_db.parent, self.release_scope_db.parent,
                self.logs, self.prefect_home)

    @property
    def private_files(self) -> tuple[Path, ...]:
        """Files the owner's only that live in a folder analysts may read (warehouse/)."""
        return (self.private_db, self.private_db.with_name(self.private_db.name + ".wal"))

    @property
    def published_folders(self) -> tuple[Path, ...]:
        """Folders analysts must be able to open (755, or 750 with IAOW_PUBLISHED_GROUP): the way to
        the published file and the reports. Everything private in them is closed by its own mode."""
        return (self.home, self.warehouse, self.reports, self.releases)


def paths() -> Paths:
    return Paths(home())


FLOW_HEARTBEAT_S = 30  # Prefect's minimum; the worker's crash deadline is a multiple of it


def prepare_environment() -> None:
    """Point Prefect, dbt and GX at our data directory before any of them is imported.

    Prefect reads its settings when it is first imported, so every entry point (the `iaow`
    command, the dashboard, the tests, the benches) calls this first. Values the user has set
    are kept.
    """
    p = paths()
    for folder in (p.home, p.machine):  # Prefect creates PREFECT_HOME inside it, not its parents
        folder.mkdir(parents=True, exist_ok=True)
    defaults = {
        "PREFECT_HOME": str(p.machine / ".prefect"),
        "PREFECT_API_URL": prefect_api_url(),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # The CLI prints its own summary; run logs still go to the server and show in the UI.
        "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL",
        "GX_ANALYTICS_ENABLED": "false",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        # Every flow run says it is alive every 30 s (Prefect's minimum); a run whose heartbeats
        # stop is marked Crashed by the automation the worker applies (flows/runtime/worker.py).
        "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(FLOW_HEARTBEAT_S),
    }
    credential = setting("IAOW_PREFECT_AUTH")
    if credential:
        defaults[PREFECT_CLIENT_SECRET] = credential  # every client this process starts or is
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
