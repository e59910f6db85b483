"""Where SQLite keeps the files beside a board (its `-wal`, `-shm`, `-journal`)."""

from __future__ import annotations

import os
from pathlib import Path


def sidecar(path: Path, end: str) -> Path:
    """The file SQLite keeps beside the board at `path`, `end` being "-wal", "-shm" or
    "-journal". SQLite names it after the file a symbolic link leads to, not after the
    link: a board opened through a link has them beside the file itself (looked for
    beside the link, a `-wal` with changes went unseen, and was written into the file
    moved in over the board)."""
    if os.path.islink(path):
        path = Path(os.path.realpath(path))
    return Path(f"{path}{end}")  # (not `with_name`: "." has none, and is refused later)


def where_now(file: tuple[int, int] | None) -> Path | None:
    """Where the file this process has open as `file` (device, inode) is now, if it was
    renamed and is still there: read from one of the process's descriptors of it (on
    Linux, /proc). None when it can't be told, or the file has no name any more."""
    if file is None:
        return None
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return None
    for name in names:
        try:
            found = os.stat(int(name))  # (of the descriptor: nothing is opened or closed)
        except (OSError, ValueError):
            continue
        if (found.st_dev, found.st_ino) != file:
            continue
        if found.st_nlink == 0:
            return None
        try:
            where = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            return None
        return None if where.endswith(" (deleted)") or not where.startswith("/") else Path(where)
    return None
