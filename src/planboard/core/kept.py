"""Descriptors of board files that this process opens once and never closes.

Closing any descriptor of a file drops every POSIX lock the process holds on that file,
SQLite's included. A planboard that read a board's first bytes, or tried its writer
lock, through a descriptor it then closed, lost SQLite's locks on a board it had open:
the next program to close the board found itself its last user and deleted the `-wal`
and `-shm` planboard still wrote to, so that what it saved afterwards was lost, or the
file damaged. So planboard reads a board's bytes through one descriptor per file, and
takes writer locks on descriptors kept for that (a released one is used again), none of
them ever closed while the process runs. There are a handful per board at most.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

_guard = threading.Lock()
_reader: dict[tuple[int, int], int] = {}  # (device, inode) → a descriptor to read with
_spare: dict[tuple[int, int], list[int]] = {}  # descriptors for locks, not in use
_file_of: dict[int, tuple[int, int]] = {}  # every descriptor kept → its file
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def _open(path: Path) -> tuple[int, tuple[int, int]]:
    fd = os.open(path, _FLAGS)
    info = os.fstat(fd)
    file = (info.st_dev, info.st_ino)
    _file_of[fd] = file
    return fd, file


def read_head(path: Path, size: int) -> bytes:
    """The first `size` bytes of the file at `path` (fewer if it is shorter), read
    without ever closing a descriptor of it. Raises OSError as `open` would."""
    info = os.stat(path)
    with _guard:
        fd = _reader.get((info.st_dev, info.st_ino))
        if fd is None:
            fd, file = _open(path)
            # (The path may name another file by now: then this one is kept for it.)
            if file in _reader:
                _spare.setdefault(file, []).append(fd)
                fd = _reader[file]
            else:
                _reader[file] = fd
    return os.pread(fd, size, 0)


def is_kept(path: Path) -> bool:
    """Whether the file at `path` is one this process reads through `read_head` (a
    board it has opened or looked at): another reader must not open and close it."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    with _guard:
        return (info.st_dev, info.st_ino) in _reader


def borrow(path: Path) -> int:
    """A descriptor of the file at `path` of its own (its own `flock`), to take a lock
    on; `give_back` when done."""
    info = os.stat(path)
    with _guard:
        free = _spare.get((info.st_dev, info.st_ino))
        if free:
            return free.pop()
        fd, _ = _open(path)
        return fd


def give_back(fd: int) -> None:
    """A borrowed descriptor, no longer locked, to be lent again (never closed)."""
    with _guard:
        _spare.setdefault(_file_of[fd], []).append(fd)
