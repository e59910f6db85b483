"""Where SQLite keeps the files beside a board (its `-wal`, `-shm`, `-journal`)."""

from __future__ import annotations

import errno
import os
import sqlite3
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


ENDS = ("-wal", "-shm", "-journal")  # the files SQLite keeps beside a board


def of_board(target: Path, board: Path) -> bool:
    """Whether `target` is the board at `board` or one of the files SQLite keeps beside
    it (both read through any link); False when either can't be resolved."""
    try:
        own, there = board.resolve(), target.resolve()
    except (OSError, RuntimeError):
        return False
    return there == own or there in {own.with_name(own.name + end) for end in ENDS}


def an_io_error(error: sqlite3.Error) -> bool:
    """SQLite's "disk I/O error" or "database or disk is full"."""
    return getattr(error, "sqlite_errorcode", 0) & 0xFF in (10, 13)  # SQLITE_IOERR, _FULL


_NO_ROOM = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "a limit on the size of files is reached",
}


def no_room_beside(path: Path) -> str | None:
    """That there is no room for 64 KiB beside the board (SQLite's `-shm` takes 32),
    and why, as a person would say it, when that is why SQLite failed; else None."""
    import tempfile

    try:
        with tempfile.TemporaryFile(dir=path.parent, prefix=".planboard-room-") as probe:
            probe.write(bytes(65536))
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as error:
        why = _NO_ROOM.get(error.errno or 0)
        if why is not None:
            return (
                f"Cannot open {path}: SQLite needs room beside it for its -wal and -shm, "
                f"and {why}. Free some space and try again; nothing was changed."
            )
    return None


def wal_out_of_reach(path: Path, error: sqlite3.Error) -> str | None:
    """That changes wait in a `-wal` beside the board with no `-shm`, in a folder that
    can't be written (a read-only mount, a copy of the folder without its `-shm`):
    SQLite could not open the board (`SQLITE_CANTOPEN`) as it must make the `-shm` to
    read them, and can't. None otherwise."""
    if getattr(error, "sqlite_errorcode", 0) != sqlite3.SQLITE_CANTOPEN:
        return None
    wal, shm = sidecar(path, "-wal"), sidecar(path, "-shm")
    try:
        if wal.stat().st_size == 0 or os.path.lexists(shm) or os.access(wal.parent, os.W_OK):
            return None
    except OSError:
        return None
    return (
        f"Cannot open {path}: changes not yet written into it wait in {wal.name} beside "
        f"it, and SQLite must make {shm.name} there to read them, which this read-only "
        f"folder does not allow. This is not damage: open it where its folder can be "
        f"written (or copy the folder, {wal.name} with it, somewhere that can). Nothing was "
        "changed."
    )
