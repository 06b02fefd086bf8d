"""What long work (a batch ingest, the demo, a rebuild) says as it goes, to a person at a terminal.

The flows call `progress()`; it does nothing unless the command line has turned it on
(`show_progress`), which it does only when its output is a terminal: logs, pipes, CI and the
worker stay quiet. One line per input as it is checked, then a spinner over the build and the
publication that ends with the time they took. Uses rich, which Prefect already brings.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator


class Progress:
    """Silent: what every process gets unless a terminal asked for more."""

    def input_checked(self, name: str, status: str, detail: str = "") -> None:
        pass

    @contextmanager
    def step(self, what: str) -> Iterator[None]:
        yield


class TerminalProgress(Progress):
    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(stderr=True, highlight=False)  # names are shown as sent, never coloured by guess

    def input_checked(self, name: str, status: str, detail: str = "") -> None:
        from rich.markup import escape

        colour = {"checked": "green", "rejected": "red", "unchanged": "cyan"}.get(status, "white")
        self.console.print(f"  [{colour}]{escape(status):<9}[/] {escape(name)}" + (f"  {escape(detail)}" if detail else ""))

    @contextmanager
    def step(self, what: str) -> Iterator[None]:
        started = time.perf_counter()
        with self.console.status(f"{what} ..."):
            yield
        self.console.print(f"  [green]done[/]      {what} in {time.perf_counter() - started:.1f} s")


_current: Progress = Progress()


def progress() -> Progress:
    return _current


def show_progress(enabled: bool) -> None:
    """Turn progress on for this process (the command line, when its output is a terminal)."""
    global _current
    _current = TerminalProgress() if enabled else Progress()
