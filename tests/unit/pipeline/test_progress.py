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
