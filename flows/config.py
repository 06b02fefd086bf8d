"""Where everything lives, from environment variables with defaults that work on a fresh checkout.

All state sits under IAOW_HOME (default: the checkout). Nothing here is machine-specific.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"

DEFAULT_PREFECT_HOST = "127.0.0.1"
DEFAULT_PREFECT_PORT = 4200
DEFAULT_RETENTION_DAYS = 90


@dataclass(frozen=True)
class Paths:
    """The data directory's layout. Every component takes its paths from here."""

    home: Path

    @property
    def home_id(self) -> str:
        """Short id of this data directory: deployments and events of two data directories that
        share one Prefect server (a developer's and the tests') must never trigger each other."""
        import hashlib

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
    def writer_lock(self) -> Path:
        return self.warehouse / ".writer.lock"

    @property
    def reports(self) -> Path:
        return self.home / "reports"

    @property
    def secrets(self) -> Path:
        return self.home / "secrets"

    @property
    def pseudonym_key_file(self) -> Path:
        return self.secrets / "pseudonym.key"

    @property
    def prefect_home(self) -> Path:
        return Path(os.environ.get("PREFECT_HOME", self.home / ".prefect"))

    @property
    def run(self) -> Path:
        """Pid files of the local services."""
        return self.home / "run"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def dbt_target(self) -> Path:
        # dbt's compiled artefacts (manifest, partial parse) are per data directory so two
        # data directories (a developer's and the tests') never share stale state.
        return self.home / ".dbt" / "target"


def paths() -> Paths:
    return Paths(Path(os.environ.get("IAOW_HOME", REPO_ROOT)).resolve())


def retention_days() -> int:
    """How long Prefect's history (flow runs, logs, artifacts, events) is kept: IAOW_RETENTION_DAYS."""
    return int(os.environ.get("IAOW_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


DEFAULT_DISCLOSURE_THRESHOLD = 10


class ConfigurationError(ValueError):
    """An environment setting the platform cannot work with."""


def disclosure_threshold() -> int:
    """Smallest count of people published (IAOW_DISCLOSURE_THRESHOLD, default 10); see
    int_disclosure_controlled_cells. Below 2 it would allow counts of one person."""
    text = os.environ.get("IAOW_DISCLOSURE_THRESHOLD", str(DEFAULT_DISCLOSURE_THRESHOLD))
    try:
        threshold = int(text)
    except ValueError:
        threshold = 0
    if threshold < 2:
        raise ConfigurationError(f"IAOW_DISCLOSURE_THRESHOLD must be a whole number of at least 2, not {text!r}")
    return threshold


def prefect_api_url() -> str:
    host = os.environ.get("IAOW_PREFECT_HOST", DEFAULT_PREFECT_HOST)
    port = int(os.environ.get("IAOW_PREFECT_PORT", DEFAULT_PREFECT_PORT))
    return os.environ.get("PREFECT_API_URL") or f"http://{host}:{port}/api"


def prefect_ui_url() -> str:
    return prefect_api_url().removesuffix("/api")


def prepare_environment() -> None:
    """Point Prefect, dbt and GX at our data directory before any of them is imported.

    Prefect reads its settings at import time, so this must run first (flows/__init__ calls it).
    Values the user has set are kept.
    """
    p = paths()
    p.home.mkdir(parents=True, exist_ok=True)  # Prefect creates PREFECT_HOME inside it, not its parents
    defaults = {
        "PREFECT_HOME": str(p.home / ".prefect"),
        "PREFECT_API_URL": prefect_api_url(),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # The CLI prints its own summary; run logs still go to the server and show in the UI.
        "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL",
        "GX_ANALYTICS_ENABLED": "false",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
