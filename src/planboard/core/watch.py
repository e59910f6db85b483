"""One watcher of a board file: it notices every write, by planboard or any program.

`FileWatcher` polls, on a read-only connection of its own, SQLite's `PRAGMA data_version`
(which moves when another connection commits) and the file's `stat` (which moves when the
file is replaced, or written while SQLite could not tell: the watcher reopens then). It
never writes and never takes planboard's writer lock.

Use it by polling (`poll()` says whether the file changed since the last call) or by
subscribing: `start()` runs the polls in a daemon thread and calls every subscriber after
each change, from that thread (an asyncio program hands the call over with
`loop.call_soon_threadsafe`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import kept
from .db import _uri as readonly_uri
from .sidecar import sidecar

POLL_SECONDS = 0.2


@dataclass(frozen=True)
class FileState:
    """What the watcher saw of the file the last time it looked."""

    data_version: int | None
    stat: tuple[int, ...] | None
    wal_stat: tuple[int, ...] | None


def _stat(path: Path) -> tuple[int, ...] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_ino, found.st_dev, found.st_size, found.st_mtime_ns)


class FileWatcher:
    """Tells when a board file changes. Thread-safe: `poll()` takes a lock."""

    def __init__(self, path: str | os.PathLike[str], interval: float = POLL_SECONDS) -> None:
        self.path = Path(path)
        self.interval = interval
        self._conn: sqlite3.Connection | None = None
        self._kept: kept.File | None = None
        self._inode: tuple[int, int] | None = None
        self._state: FileState | None = None
        self._lock = threading.Lock()
        self._subscribers: list[Callable[[], None]] = []
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.changes = 0  # how many changes were seen (a version number for readers)

    # ------------------------------------------------------------------ polling

    def _connection(self) -> sqlite3.Connection | None:
        stat = _stat(self.path)
        inode = (stat[0], stat[1]) if stat else None
        if self._conn is not None and inode != self._inode:
            self._close()  # the file was replaced (or removed): read the new one
        # (Only a regular file: opening a named pipe or a device there would wait for a
        # writer, for good.)
        if self._conn is None and inode is not None and self.path.is_file():
            try:
                self._conn = sqlite3.connect(
                    readonly_uri(self.path, "ro"), uri=True, check_same_thread=False
                )
                self._inode = inode
                # Its connection holds SQLite locks too: no descriptor of the file is
                # closed here while it is open (`kept`).
                self._kept = kept.hold(self.path)
            except sqlite3.Error:
                self._conn = None
        return self._conn

    def _close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            kept.let_go(self._kept)
            self._kept = None
        self._conn, self._inode = None, None

    def _look(self) -> FileState:
        version: int | None = None
        conn = self._connection()
        if conn is not None:
            try:
                version = int(conn.execute("PRAGMA data_version").fetchone()[0])
            except sqlite3.Error:
                self._close()  # busy, damaged or gone: look again next time
        return FileState(version, _stat(self.path), _stat(sidecar(self.path, "-wal")))

    def poll(self) -> bool:
        """True if the file changed since the last poll (the first poll only looks)."""
        with self._lock:
            state = self._look()
            changed = self._state is not None and state != self._state
            self._state = state
            if changed:
                self.changes += 1
            return changed

    @contextlib.contextmanager
    def closed(self) -> Iterator[None]:
        """The watcher's connection closed, and none opened again until the block ends.

        SQLite shares one mapping of a board's `-shm` between the connections of a
        process to that file: a reader here that opens the board again inside the block
        maps the `-shm` now beside it, not one an earlier connection still holds (a
        board swapped in by a rename was read through the old file's, unlinked since:
        what others wrote to it never showed)."""
        with self._lock:
            self._close()
            yield

    # --------------------------------------------------------------- subscribing

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback()` after every change (from the watcher's thread). Returns a
        function that ends the subscription."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    def start(self) -> None:
        """Poll in a daemon thread until `stop()`."""
        if self._thread is not None:
            return
        self.poll()
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="planboard-watch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopping.wait(self.interval):
            if self.poll():
                for callback in list(self._subscribers):
                    # One subscriber's failure must not stop the others.
                    with contextlib.suppress(Exception):
                        callback()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        # (A look that never ends must not hold the stop too: the server stops anyway.)
        if self._lock.acquire(timeout=5):
            try:
                self._close()
            finally:
                self._lock.release()

    def __enter__(self) -> FileWatcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
