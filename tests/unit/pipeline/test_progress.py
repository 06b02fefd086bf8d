"""Progress is said to a terminal only, and says each input and each step."""

import io
import re

from rich.console import Console

from flows.pipeline import progress as progress_module
from flows.pipeline.progress import Progress, TerminalProgress, progress, show_progress


def test_progress_is_silent_unless_a_terminal_asked_for_it():
    show_progress(False)
    assert type(progress()) is Progress
    progress().input_checked("hampshire-2013", "checked")
    with progress().step("warehouse build"):
        pass


def test_a_terminal_sees_one_line_per_input_and_each_step_with_its_time():
    show_progress(True)
    try:
        shown = progress()
        assert isinstance(shown, TerminalProgress)
        shown.console = Console(file=io.StringIO(), width=120, force_terminal=False)
        shown.input_checked("hampshire-2013", "checked")
        shown.input_checked("[link](http://x)", "rejected", "cases.csv, row 3: must be ...")
        with shown.step("warehouse build and tests (13 inputs)"):
            pass
        text = shown.console.file.getvalue()
    finally:
        show_progress(False)
    assert "checked   hampshire-2013" in text
    assert "rejected  [link](http://x)  cases.csv, row 3" in text  # markup in a name is shown, never run
    # The time is whatever the machine took; only its shape is the promise.
    assert re.search(r"done      warehouse build and tests \(13 inputs\) in \d+\.\d s\n", text)
    assert progress_module._current.__class__ is Progress


def test_the_build_step_counts_dbt_nodes_as_they_finish():
    from types import SimpleNamespace

    from flows.storage.transform import node_counter

    told = []
    on_event = node_counter(lambda done, total: told.append((done, total)))

    def event(name, **data):
        return SimpleNamespace(info=SimpleNamespace(name=name), data=SimpleNamespace(**data))

    on_event(event("MainReportVersion"))
    on_event(event("ConcurrencyLine", node_count=3))
    for _ in range(3):
        on_event(event("NodeStart"))
        on_event(event("NodeFinished"))
    assert told == [(1, 3), (2, 3), (3, 3)]


def test_a_terminal_step_takes_its_count_and_still_ends_with_its_time():
    show_progress(True)
    try:
        shown = progress()
        shown.console = Console(file=io.StringIO(), width=120, force_terminal=False)
        shown.advance(1, 2)  # outside a step: nothing to move, nothing raised
        with shown.step("warehouse build and tests (1 input)"):
            shown.advance(1, 85)
            shown.advance(85, 85)
        text = shown.console.file.getvalue()
    finally:
        show_progress(False)
    assert re.search(r"done      warehouse build and tests \(1 input\) in \d+\.\d s\n", text)
