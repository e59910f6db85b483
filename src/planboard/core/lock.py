"""One writer per board file.

The first planboard to open a board takes an exclusive `flock` on it and writes; any
other opens it as a viewer. The lock belongs to the open file, so it vanishes when the
process ends, however it ends (a `kill -9` included). It is separate from SQLite's own
locks, which still guard every transaction (other programs, like `sqlite-utils`, don't
know about this one and are shown within a second all the same).
"""

from __future__ import annotations

from pathlib import Path

from . import kept

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
        # A descriptor kept open for good (`kept`): closing one would drop SQLite's
        # locks on a board this process has open.
        fd = kept.borrow(self.path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            kept.give_back(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            if fcntl is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            kept.give_back(self._fd)
            self._fd = None


def writer_is_active(path: Path) -> bool:
    """True if some process holds the writer lock on `path` right now."""
    lock = WriterLock(path)
    if lock.acquire():
        lock.release()
        return False
    return True
