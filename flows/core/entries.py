"""What an entry of an input is, from its file mode: an input may hold only plain regular files.

Pure: the storage layer judges an opened file (fstat) and the sources layer a listed entry (lstat)
by the same rule.
"""

from __future__ import annotations

import stat


def describe_entry(mode: int, links: int) -> str | None:
    """What an entry is when it is not a plain regular file with one name; None when it is one."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if not stat.S_ISREG(mode):
        return "a device, socket or pipe"
    if links > 1:
        return "a hard link (a file with more than one name)"
    return None
