"""Named crash points, so that tests can kill a real run at the worst moments.

Setting IAOW_CRASH_AT=<point> makes the process exit abruptly (os._exit: no cleanup, no
finally blocks, like a power cut or SIGKILL) when it reaches that point. Unset, it costs one
environment lookup. The points are the publication protocol's (flows.storage.publication),
and a statistical release's (flows.pipeline.release_build, flows.pipeline.release).
"""

from __future__ import annotations

import os

from flows.config import crash_at

CRASH_EXIT_CODE = 99
POINTS = ("after-load", "after-build", "after-commit", "before-publish-rename", "after-publish-rename")
# A release's: its pack written and validated in the staging folder; its folder in place, not yet announced.
RELEASE_POINTS = ("release-before-rename", "release-after-rename")


def crash_point(name: str) -> None:
    assert name in POINTS + RELEASE_POINTS, name
    if crash_at() == name:
        os._exit(CRASH_EXIT_CODE)
