"""One way to write a file that readers may be looking at: beside it, then renamed over it; and
who may read it.

A reader sees the old file or the new one, never half of one; a crash leaves the old file and a
`.part` leftover that the next write replaces. `replace_durably` also syncs the file and its
folder, so the rename survives a power cut.

Who may read what (the one place modes are decided):
- private (`make_private`, `private_folder`, `write_private`): the owner only, files 600 and
  folders 700: anything with personal data or the key (`Paths.private_folders`, `private_files`);
- published (`publish_mode`, `published_folder`, `write_published`, `publish_file`): the published
  file and the reports, 644 and folders 755; with IAOW_PUBLISHED_GROUP, given to that group, 640
  and 750. A mode is set on the file beside its target, before the rename: the file never appears
  with another one.
Every process the platform starts runs with umask 077 (`PRIVATE_UMASK`), so whatever it or a
library creates without saying is private; `secure_data_directory` tightens what older versions
left.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from flows.config import Paths, published_group

log = logging.getLogger("iaow.files")

PRIVATE_UMASK = 0o077
PRIVATE_FILE, PRIVATE_FOLDER = 0o600, 0o700
PUBLISHED_FILE, PUBLISHED_FOLDER = 0o644, 0o755  # anyone on the machine may read
GROUP_FILE, GROUP_FOLDER = 0o640, 0o750  # IAOW_PUBLISHED_GROUP may read


# ------------------------------------------------------------------ modes


def _set_mode(path: Path, mode: int, gid: int | None = None) -> None:
    """chmod (and chgrp) one file or folder, never through a link; what is already so is left
    alone, and one we may not change is said in the log, not fatal (it is not ours)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
        return  # a link, socket or pipe: never followed, never changed
    try:
        if gid is not None and info.st_gid != gid:
            os.chown(path, -1, gid, follow_symlinks=False)
        if stat.S_IMODE(info.st_mode) != mode:
            os.chmod(path, mode)
    except PermissionError as error:
        log.warning("could not set mode %o on %s: %s", mode, path, error)


def make_private(path: Path) -> Path:
    """The owner's only: a file 600; a folder 700 with everything in it (files 600, folders 700).
    Links are neither followed nor changed; a missing path is nothing to do."""
    path = Path(path)
    if path.is_dir() and not path.is_symlink():
        _set_mode(path, PRIVATE_FOLDER)
        for folder, folders, files in os.walk(path):
            for name in folders:
                _set_mode(Path(folder, name), PRIVATE_FOLDER)
            for name in files:
                _set_mode(Path(folder, name), PRIVATE_FILE)
    else:
        _set_mode(path, PRIVATE_FILE)
    return path


def private_folder(folder: Path, root: Path | None = None) -> Path:
    """`folder` made if missing, the owner's only (700); so is every folder between `root` and it
    (both included), and every folder that had to be made on the way. Its contents are left as
    they are (`make_private` closes a whole tree)."""
    folder = Path(folder)
    for level in _levels(folder, root):
        level.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
        _set_mode(level, PRIVATE_FOLDER)  # one made by an older version, or under a looser umask
    return folder


def publish_mode(path: Path) -> Path:
    """Readable by analysts: a file 644, a folder 755; with IAOW_PUBLISHED_GROUP, given to that
    group and 640 / 750 (others nothing)."""
    gid = published_group()
    folder = Path(path).is_dir()
    if gid is None:
        _set_mode(path, PUBLISHED_FOLDER if folder else PUBLISHED_FILE)
    else:
        _set_mode(path, GROUP_FOLDER if folder else GROUP_FILE, gid)
    return Path(path)


def published_folder(folder: Path, root: Path | None = None) -> Path:
    """`folder` made if missing, readable by analysts (`publish_mode`); so is every folder between
    `root` and it (both included), and every folder that had to be made on the way."""
    folder = Path(folder)
    for level in _levels(folder, root):
        level.mkdir(exist_ok=True)
        publish_mode(level)
    return folder


def _levels(folder: Path, root: Path | None) -> list[Path]:
    """Top down: every folder missing on the way to `folder` (or to `root`), then `root` and every
    folder from it to `folder`, or without `root`, `folder`."""
    if root is not None:
        levels = _levels(Path(root), None)
        for part in folder.relative_to(root).parts:
            levels.append(levels[-1] / part)
        return levels
    levels = [folder]
    while levels[-1].parent != levels[-1] and not levels[-1].parent.is_dir():
        levels.append(levels[-1].parent)
    return levels[::-1]


def secure_data_directory(p: Paths, deep: bool = True) -> None:
    """Tighten what is there (made by an older version, or a process under a looser umask):
    private folders and files the owner's only, what is published readable by analysts (with
    IAOW_PUBLISHED_GROUP's group). Run deep (every file) at service start; at the start of each
    publication only the top of each tree, whose mode alone closes it (a cost that does not grow
    with the history kept under it)."""
    for folder in p.private_folders:
        if deep:
            make_private(folder)
        elif folder.is_dir() and not folder.is_symlink():
            _set_mode(folder, PRIVATE_FOLDER)
    for file in p.private_files:
        make_private(file)
    for folder in p.published_folders:
        if folder.is_dir():
            publish_mode(folder)
    publish_mode(p.published_db)
    if deep and p.reports.is_dir():
        for folder, folders, files in os.walk(p.reports):
            for name in folders:
                publish_mode(Path(folder, name))
            for name in files:
                if not name.endswith(".part"):
                    publish_mode(Path(folder, name))


# ------------------------------------------------------------------ writing


def replace_durably(source: Path, target: Path) -> None:
    """Atomic rename that survives a power cut: file and directory are synced around it."""
    with open(source, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(source, target)
    sync_folder(target.parent)


def sync_folder(folder: Path) -> None:
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def write_atomically(target: Path, data: bytes | str, mode: int | None = None,
                     finish: Callable[[Path], object] | None = None) -> Path:
    """Write `target` whole or not at all (text is written as UTF-8). The file beside it is given
    `mode`, or made ready by `finish`, before the rename: the target never has another mode."""
    target.parent.mkdir(parents=True, exist_ok=True)
    # a name of its own: two writers of one file (two runs rejecting the same input) never share it
    partial = target.with_name(f"{target.name}.{os.getpid()}-{secrets.token_hex(4)}.part")
    try:
        # created owner-only whatever the umask; opened exclusively, never through a link
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, PRIVATE_FILE)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        if mode is not None:
            partial.chmod(mode)
        if finish is not None:
            finish(partial)
        replace_durably(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)  # a failed write leaves the old file and nothing else
        raise
    return target


def write_private(target: Path, data: bytes | str, root: Path | None = None) -> Path:
    """`write_atomically`, the owner's only: the file 600, its folder (and every one from `root`
    down to it) 700."""
    private_folder(target.parent, root)
    return write_atomically(target, data, PRIVATE_FILE)


def append_private_line(target: Path, line: str, root: Path | None = None) -> None:
    """One line appended to a log of the owner's only (600, folders 700), on disk when this
    returns. A line a crash cut short is ended first, so the next one is never glued to it."""
    private_folder(target.parent, root)
    descriptor = os.open(target, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, PRIVATE_FILE)
    try:
        size = os.fstat(descriptor).st_size
        cut_short = size > 0 and os.pread(descriptor, 1, size - 1) != b"\n"
        os.write(descriptor, (b"\n" if cut_short else b"") + line.encode("utf-8") + b"\n")
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_published(target: Path, data: bytes | str, root: Path | None = None) -> Path:
    """`write_atomically`, readable by analysts (`publish_mode`), in a folder they can open."""
    published_folder(target.parent, root)
    return write_atomically(target, data, finish=publish_mode)


def publish_file(source: Path, target: Path) -> Path:
    """`replace_durably` of a file made elsewhere (the export, a printed PDF), readable by analysts."""
    publish_mode(source)
    replace_durably(source, target)
    return target


class AlreadyPublished(Exception):
    """The folder a write-once publication would create is already there."""


def _published_read_only(path: Path) -> None:
    """Readable as published files are (`publish_mode`), and writable by nobody."""
    publish_mode(path)
    os.chmod(path, stat.S_IMODE(os.lstat(path).st_mode) & ~0o222)


def publish_folder_once(staging: Path, target: Path) -> Path:
    """A folder written once and never again (a statistical release): every file in `staging`
    synced and made read-only (readable as published files are), then the folder renamed to
    `target`, which must not exist. Readers see no folder or the whole one."""
    for file in sorted(staging.iterdir()):
        with open(file, "rb") as handle:
            os.fsync(handle.fileno())
        _published_read_only(file)
    _published_read_only(staging)
    sync_folder(staging)
    if target.exists():
        raise AlreadyPublished(str(target))
    os.rename(staging, target)  # not replace: an existing (even empty) folder is never overwritten
    sync_folder(target.parent)
    return target


def fresh_scratch(target: Path) -> Path:
    """An empty place for a file being built, in a folder of the owner's only: a crashed run's
    leftovers (and their WAL) are discarded."""
    private_folder(target.parent)
    for leftover in (target, target.with_name(target.name + ".wal")):
        leftover.unlink(missing_ok=True)
    return target
