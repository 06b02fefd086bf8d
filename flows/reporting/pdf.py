"""Print an HTML page to PDF with headless Chromium (Debian's package, installed by `make system`).

The report's PDF is the same page the browser shows, printed with its print stylesheet: charts
are inline SVG, so they stay sharp. Chromium runs with a fresh profile and no background
networking: the page is self-contained and nothing needs the network.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from flows.config import child_environment, chromium
from flows.storage.files import publish_file

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
# Offline Chromium: without the background-networking flags it keeps trying Google's hosts, which
# a closed network refuses; as root (CI) it needs --no-sandbox. The browser tests use these too.
CHROMIUM_OFFLINE_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
CHROMIUM_FLAGS = ("--headless", *CHROMIUM_OFFLINE_FLAGS, "--no-pdf-header-footer")
PRINT_TIMEOUT_S = 120


class PdfUnavailable(Exception):
    """No Chromium to print with, or it failed: the HTML report stands, the PDF does not."""


def chromium_path() -> str:
    configured = chromium()
    for candidate in ([configured] if configured else []) + list(CHROMIUM_CANDIDATES):
        found = shutil.which(candidate)
        if found:
            return found
    raise PdfUnavailable("no Chromium to print the PDF with: run `make system` (Debian's chromium package) or set IAOW_CHROMIUM")


def print_to_pdf(html: Path, pdf: Path) -> Path:
    """Print `html` to `pdf` (written beside it, then renamed over it)."""
    browser = chromium_path()
    partial = pdf.with_name(pdf.name + ".part")
    with tempfile.TemporaryDirectory(prefix="iaow-chromium-") as profile:
        command = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={partial}", html.resolve().as_uri()]
        try:
            finished = subprocess.run(command, capture_output=True, text=True, timeout=PRINT_TIMEOUT_S,
                                      env=child_environment(prefect_client=False))  # no key, no credential
        except subprocess.TimeoutExpired as timeout:
            raise PdfUnavailable(f"Chromium did not print {html} within {PRINT_TIMEOUT_S} s") from timeout
    if finished.returncode != 0 or not partial.exists() or partial.read_bytes()[:5] != b"%PDF-":
        partial.unlink(missing_ok=True)
        detail = (finished.stderr or finished.stdout).strip().splitlines()[-3:]
        raise PdfUnavailable(f"Chromium could not print {html} (exit {finished.returncode}): {' '.join(detail)}")
    return publish_file(partial, pdf)  # readable by analysts (and IAOW_PUBLISHED_GROUP) before it appears
