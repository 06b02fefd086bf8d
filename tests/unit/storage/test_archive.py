"""The archive: inputs as received, content-addressed, read-only, archived once."""

import os
import stat

from flows.sources.base import READY_MARKER, content_files
from flows.sources.inspections.read import locate_return
from flows.sources.registry import kind_named
from flows.storage.archive import archive_files, content_hash
from tests.factories import inspection_return
from tests.return_edits import set_cell

INSPECTIONS = kind_named("inspection")


def archive(folder, root):
    source = locate_return(folder)
    return archive_files(source.files, root, INSPECTIONS.landing_folder, name=source.name, layout=source.layout,
                         received_from=source.path)


def test_archive_is_content_addressed_read_only_and_idempotent(tmp_path):
    folder = inspection_return(tmp_path / "landing")
    first = archive(folder, tmp_path / "archive")
    again = archive(folder, tmp_path / "archive")
    assert not first.already_archived and again.already_archived
    assert first.folder == again.folder == tmp_path / "archive" / "inspections" / first.sha256
    assert first.files == again.files == tuple(first.folder / path.name for path in content_files(folder))
    copied = first.folder / "answers.csv"
    assert copied.read_bytes() == (folder / "answers.csv").read_bytes()
    assert not os.stat(copied).st_mode & stat.S_IWUSR
    assert not (first.folder / READY_MARKER).exists()


def test_any_change_gives_a_new_hash_but_the_ready_marker_does_not(tmp_path):
    folder = inspection_return(tmp_path / "landing")
    before, _ = content_hash(content_files(folder))
    (folder / READY_MARKER).write_text("touched")
    assert content_hash(content_files(folder))[0] == before
    set_cell("cases.csv", 2, "gender", lambda rows: "female" if rows[1][2] != "female" else "male")(folder)
    assert content_hash(content_files(folder))[0] != before
