"""The archive: inputs as received, content-addressed, read-only, archived once."""

import os
import socket
import stat

import pytest

from flows.sources.base import READY_MARKER, content_files
from flows.sources.inspections.read import locate_return
from flows.sources.registry import kind_named
from flows.storage.archive import Refused, archive_files, content_hash, read_regular
from tests.factories import inspection_return
from tests.return_edits import set_cell

INSPECTIONS = kind_named("inspection")


def archive(folder, root, max_file_bytes=None):
    source = locate_return(folder)
    return archive_files(source.files, root, INSPECTIONS.landing_folder, name=source.name, layout=source.layout,
                         received_from=source.path, refused=source.refused, max_file_bytes=max_file_bytes)


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


def test_archive_is_readable_by_its_owner_only(tmp_path):
    archived = archive(inspection_return(tmp_path / "landing"), tmp_path / "archive")
    for folder in (tmp_path / "archive", tmp_path / "archive" / "inspections", archived.folder):
        assert stat.S_IMODE(os.stat(folder).st_mode) & 0o077 == 0, folder
    for copy in archived.folder.iterdir():
        assert stat.S_IMODE(os.stat(copy).st_mode) == 0o400, copy


def secret(tmp_path):
    key = tmp_path / "secrets" / "pseudonym.key"
    key.parent.mkdir()
    key.write_bytes(b"SECRET-KEY-BYTES" * 4)
    return key


def replace_with(make):
    """Replace context.csv of a return by what `make(path, key)` puts there."""

    def plant(folder, key):
        (folder / "context.csv").unlink()
        make(folder / "context.csv", key)

    return plant


def make_socket(path, key):
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()


@pytest.mark.parametrize(
    ("make", "what"),
    [
        (lambda path, key: path.symlink_to(key), "a symbolic link"),
        (lambda path, key: os.link(key, path), "a hard link"),
        (lambda path, key: path.mkdir(), "a folder"),
        (lambda path, key: os.mkfifo(path), "a device, socket or pipe"),
        (make_socket, "a device, socket or pipe"),
    ],
    ids=["symlink", "hard-link", "folder", "fifo", "socket"],
)
def test_an_entry_that_is_not_a_regular_file_is_refused_and_nothing_of_it_is_copied(tmp_path, make, what):
    key = secret(tmp_path)
    folder = inspection_return(tmp_path / "landing")
    replace_with(make)(folder, key)
    source = locate_return(folder)
    assert len(source.refused) == 1 and source.refused[0][0] == "context.csv"
    assert source.refused[0][1].startswith(what)
    archived = archive(folder, tmp_path / "archive")
    assert archived.refused == source.refused
    copied = b"".join(path.read_bytes() for path in archived.folder.iterdir() if path.is_file())
    assert b"SECRET-KEY-BYTES" not in copied
    assert "context.csv" not in {path.name for path in archived.files}


def test_a_link_swapped_in_after_the_listing_is_refused_when_opened(tmp_path):
    key = secret(tmp_path)
    folder = inspection_return(tmp_path / "landing")
    source = locate_return(folder)  # listed while cases.csv was a plain file
    (folder / "cases.csv").unlink()
    (folder / "cases.csv").symlink_to(key)
    with pytest.raises(Refused, match="symbolic link"):
        read_regular(folder / "cases.csv")
    archived = archive_files(source.files, tmp_path / "archive", "inspections", name=source.name, layout="folder",
                             received_from=folder)
    assert archived.refused == (("cases.csv", "a symbolic link"),)
    assert not (archived.folder / "cases.csv").exists()


def test_a_linked_return_folder_or_workbook_is_refused_whole(tmp_path):
    folder = inspection_return(tmp_path / "elsewhere")
    linked = tmp_path / "landing" / "inspections" / folder.name
    linked.parent.mkdir(parents=True)
    linked.symlink_to(folder, target_is_directory=True)
    source = locate_return(linked)
    assert source.files == () and source.refused == ((folder.name, "a symbolic link"),)
    workbook = tmp_path / "landing" / "inspections" / "testshire-2014.xlsx"
    workbook.symlink_to(secret(tmp_path))
    source = locate_return(workbook)
    assert source.files == () and source.refused == (("testshire-2014.xlsx", "a symbolic link"),)


def test_a_file_over_the_limit_is_refused_unread(tmp_path):
    folder = inspection_return(tmp_path / "landing")
    limit = (folder / "answers.csv").stat().st_size - 1
    archived = archive(folder, tmp_path / "archive", max_file_bytes=limit)
    assert ("answers.csv", "larger than the limit of %g MB for one file" % (limit / 1024 / 1024)) in archived.refused
    assert not (archived.folder / "answers.csv").exists()


def test_refusals_are_part_of_the_hash_and_the_receipt(tmp_path):
    folder = inspection_return(tmp_path / "landing")
    plain, _ = content_hash(content_files(folder))
    assert content_hash(content_files(folder), refused=[("extra", "a folder")])[0] != plain
    (folder / "extra").mkdir()
    source = locate_return(folder)
    archived = archive(folder, tmp_path / "archive")
    assert archived.sha256 == content_hash(source.files, source.refused)[0] != plain
    again = archive(folder, tmp_path / "archive")
    assert again.already_archived and again.refused == (("extra", "a folder"),)
