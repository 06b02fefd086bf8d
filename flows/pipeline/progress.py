"""What long work (a batch ingest, the demo, a rebuild) says as it goes, to a person at a terminal.

The flows call `progress()`; it does nothing unless the command line has turned it on
(`show_progress`), which it does only when its output is a terminal: logs, pipes, CI and the
worker stay quiet. One line per input as it is checked, then a bar over the build (dbt's nodes,
counted as each finishes) and a spinner over the publication, each ending with the time it
took. Uses rich, which Prefect already brings.
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

    def advance(self, done: int, total: int) -> None:
        """The current step's parts done so far (dbt's nodes); nothing unless at a terminal."""


class TerminalProgress(Progress):
    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(stderr=True, highlight=False)  # names are shown as sent, never coloured by guess
        self._bar = self._task = None  # the running step's bar, while one runs

    def input_checked(self, name: str, status: str, detail: str = "") -> None:
        from rich.markup import escape

        colour = {"checked": "green", "rejected": "red", "unchanged": "cyan"}.get(status, "white")
        self.console.print(f"  [{colour}]{escape(status):<9}[/] {escape(name)}" + (f"  {escape(detail)}" if detail else ""))

    @contextmanager
    def step(self, what: str) -> Iterator[None]:
        from rich.markup import escape
        from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bar

        started = time.perf_counter()
        with Bar(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                 TimeElapsedColumn(), console=self.console, transient=True) as bar:
            self._bar, self._task = bar, bar.add_task(escape(what), total=None)
            try:
                yield
            finally:
                self._bar = self._task = None
        self.console.print(f"  [green]done[/]      {escape(what)} in {time.perf_counter() - started:.1f} s")

    def advance(self, done: int, total: int) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=done, total=total)


_current: Progress = Progress()


def progress() -> Progress:
    return _current


def show_progress(enabled: bool) -> None:
    """Turn progress on for this process (the command line, when its output is a terminal)."""
    global _current
    _current = TerminalProgress() if enabled else Progress()
