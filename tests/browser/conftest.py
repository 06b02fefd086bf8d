"""A real headless Chromium (Debian's /usr/bin/chromium, installed by `make system`), driven by
Playwright. Playwright's own browser download is never used: it needs the internet."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest

from flows.reporting.pdf import CHROMIUM_OFFLINE_FLAGS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = list(CHROMIUM_OFFLINE_FLAGS)  # the flags the report's PDF is printed with
LOCAL_HOSTS = {"127.0.0.1", "localhost", ""}


# Module scope, not session: Playwright's sync API keeps an asyncio loop running in this thread
# while it is open, and the other tests' asyncio.run() refuses to start inside it.
@pytest.fixture(scope="module")
def browser():
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: `make system` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class PageProblems:
    """What a page did wrong while it was open: console errors, uncaught exceptions, and any
    request that left the machine (a self-contained page fetches nothing from a CDN)."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    remote_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return [*self.console_errors, *self.page_errors, *self.remote_requests, *self.failed_requests]


@contextmanager
def watched_page(browser, width: int = 1400, height: int = 1000) -> Iterator[tuple[object, PageProblems]]:
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    page = context.new_page()
    problems = PageProblems()
    page.on("console", lambda message: problems.console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.page_errors.append(str(error)))

    def on_request(request):
        url = urlparse(request.url)
        if url.scheme in {"http", "https", "ws", "wss"} and url.hostname not in LOCAL_HOSTS:
            problems.remote_requests.append(request.url)

    page.on("request", on_request)
    page.on("requestfailed", lambda request: problems.failed_requests.append(f"{request.url}: {request.failure}"))
    try:
        yield page, problems
    finally:
        context.close()


def rendered_svgs(page) -> list[dict]:
    """Bounding boxes of every visible <svg> on the page."""
    return page.eval_on_selector_all(
        "svg",
        "els => els.map(e => { const r = e.getBoundingClientRect(); return {width: r.width, height: r.height, "
        "children: e.querySelectorAll('*').length}; })",
    )
