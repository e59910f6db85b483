"""Descriptors of board files, kept open while this process has the board open.

Closing any descriptor of a file drops every POSIX lock the process holds on that file,
SQLite's included. A planboard that read a board's first bytes, or tried its writer
lock, through a descriptor it then closed, lost SQLite's locks on a board it had open:
the next program to close the board found itself its last user and deleted the `-wal`
and `-shm` planboard still wrote to, so that what it saved afterwards was lost, or the
file damaged.

So while a board is open here (`hold` … `let_go`, which the store calls), planboard
reads its bytes through one descriptor, and takes writer locks on descriptors kept for
that (a released one is used again), none of them closed until the board's last
connection here has closed. A file no board here has open is read as usual.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

File = tuple[int, int]  # (device, inode)

_guard = threading.Lock()
_holders: dict[File, int] = {}  # boards open here, per file
_reader: dict[File, int] = {}  # a descriptor to read with, per file held
_spare: dict[File, list[int]] = {}  # descriptors for locks, not in use
_file_of: dict[int, File] = {}  # every descriptor opened here → its file
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def _file(path: Path) -> File:
    info = os.stat(path)
    return (info.st_dev, info.st_ino)


def _open(path: Path) -> tuple[int, File]:
    fd = os.open(path, _FLAGS)
    info = os.fstat(fd)
    file = (info.st_dev, info.st_ino)
    _file_of[fd] = file
    return fd, file


def _close(fd: int) -> None:
    del _file_of[fd]
    os.close(fd)


def hold(path: Path) -> File | None:
    """A board at `path` is open here (until `let_go`): its descriptors stay open."""
    try:
        file = _file(path)
    except OSError:
        return None
    with _guard:
        _holders[file] = _holders.get(file, 0) + 1
    return file


def held_here(path: Path) -> int:
    """How many boards open here hold the file at `path` (0 if none, or no such file)."""
    try:
        file = _file(path)
    except OSError:
        return 0
    with _guard:
        return _holders.get(file, 0)


def let_go(file: File | None) -> None:
    """A board `hold` named was closed here, its connection first: once none is left
    open, its descriptors are closed (nothing of SQLite's is left to lose)."""
    if file is None:
        return
    with _guard:
        _holders[file] -= 1
        if _holders[file]:
            return
        del _holders[file]
        reader = _reader.pop(file, None)
        for fd in [*([reader] if reader is not None else []), *_spare.pop(file, [])]:
            _close(fd)


def read_head(path: Path, size: int) -> bytes:
    """The first `size` bytes of the file at `path` (fewer if it is shorter), without
    closing a descriptor of a board open here. Raises OSError as `open` would."""
    file = _file(path)
    with _guard:
        fd = _reader.get(file)
        if fd is None:
            fd, opened = _open(path)
            if opened not in _holders:  # no board open here: read and close
                try:
                    return os.pread(fd, size, 0)
                finally:
                    _close(fd)
            if opened in _reader:  # (the path names another held file by now)
                _spare.setdefault(opened, []).append(fd)
                fd = _reader[opened]
            else:
                _reader[opened] = fd
        # (Under the guard: a `let_go` on another thread can't close it meanwhile.)
        return os.pread(fd, size, 0)


def is_kept(path: Path) -> bool:
    """Whether a board at `path` is open here, or `path` is its `-wal`, `-shm` or
    `-journal`: another reader must not open and close these files (closing one drops
    SQLite's locks on it)."""
    names = [path]
    for end in ("-wal", "-shm", "-journal"):
        if path.name.endswith(end):
            names.append(path.with_name(path.name.removesuffix(end)))
    for name in names:
        try:
            file = _file(name)
        except OSError:
            continue
        with _guard:
            if file in _holders:
                return True
    return False


def borrow(path: Path) -> int:
    """A descriptor of the file at `path` of its own (its own `flock`), to take a lock
    on; `give_back` when done."""
    file = _file(path)
    with _guard:
        free = _spare.get(file)
        if free:
            return free.pop()
        fd, _ = _open(path)
        return fd


def give_back(fd: int) -> None:
    """A borrowed descriptor, no longer locked: kept to be lent again while its board
    is open here, else closed."""
    with _guard:
        file = _file_of[fd]
        if file in _holders:
            _spare.setdefault(file, []).append(fd)
        else:
            _close(fd)
