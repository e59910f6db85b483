"""One writer per board file.

The first planboard to open a board takes an exclusive `flock` on it and writes; any
other opens it as a viewer. The lock belongs to the open file, so it vanishes when the
process ends, however it ends (a `kill -9` included). It is separate from SQLite's own
locks, which still guard every transaction (other programs, like `sqlite-utils`, don't
know about this one and are shown within a second all the same).
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: no writer lock, SQLite's locks only
    fcntl = None  # type: ignore[assignment]

OTHER_WRITER = "another planboard is editing it"


class WriterLock:
    """An exclusive, non-blocking `flock` on the board file, held while open."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock if nobody holds it. True if this process now holds it."""
        if self._fd is not None:
            return True
        if fcntl is None:
            return True
        fd = os.open(self.path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        # Keep this descriptor open until SQLite has closed its own: closing any
        # descriptor of a file drops the process's POSIX locks on it (SQLite's included).
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def writer_is_active(path: Path) -> bool:
    """True if some process holds the writer lock on `path` right now."""
    lock = WriterLock(path)
    if lock.acquire():
        lock.release()
        return False
    return True
