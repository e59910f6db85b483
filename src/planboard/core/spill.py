"""Bytes the board holds a long time but reads a few at a time, kept outside its memory:
in a temporary file that has no name (made with none where the system can, else
unlinked as soon as it is made: it goes when planboard ends, however it ends).

The overlap pass's meaning vectors (13 MB at 50,000 items) are read back one or two
at a time (why two items match) or straight through (the next pass's question). Held
in the board's memory, they were a twentieth of its peak; here they are pages of a
file that the system keeps in memory while it has room and writes out when it has not.

The file goes in `TMPDIR` if it is set, else in `/var/tmp` (on disk on most systems,
where `/tmp` may be memory), else in Python's temporary folder. Where no file can be
made or written (a full disk, no folder that takes one, a system without positioned
writes), `put` says so and the caller keeps the bytes in memory, as before: nothing is
lost.
"""

from __future__ import annotations

import os
import tempfile
import threading
import weakref
from contextlib import suppress
from typing import IO


def _folders() -> list[str]:
    """Where a spill file may go, in order (each folder once)."""
    chosen = os.environ.get("TMPDIR") or ""
    folders = [chosen] if chosen else []
    folders.append("/var/tmp")
    with suppress(OSError):  # (none Python could write in: "No usable temporary directory")
        folders.append(tempfile.gettempdir())
    return list(dict.fromkeys(folders))


class Spill:
    """Bytes written once (`put`) and read back by their place (`get`), in a nameless
    temporary file made when the first bytes come (closed when the spill goes). Reads
    and writes name their place, so threads may read while another writes."""

    __slots__ = ("__weakref__", "_file", "_lock", "_refused", "_size")

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        self._size = 0
        self._refused = not hasattr(os, "pwrite")  # (held in memory where there is none)
        self._lock = threading.Lock()

    def put(self, data: bytes | bytearray | memoryview) -> int:
        """Where these bytes now are in the file; -1 if they could not be written
        there (the caller keeps them)."""
        with self._lock:
            if self._refused:
                return -1
            if self._file is None:
                self._file = _open()
                if self._file is None:
                    self._refused = True
                    return -1
                weakref.finalize(self, self._file.close)
            at, view = self._size, memoryview(data)
            try:
                done = 0
                while done < len(view):
                    wrote = os.pwrite(self._file.fileno(), view[done:], at + done)
                    if wrote <= 0:
                        raise OSError("planboard's temporary file took no bytes")
                    done += wrote
            except OSError:
                self._refused = True  # (a full disk: what is already there stays readable)
                return -1
            self._size += len(view)
            return at

    def get(self, at: int, size: int) -> bytes:
        """The `size` bytes written at `at`."""
        assert self._file is not None
        data = os.pread(self._file.fileno(), size, at)
        if len(data) != size:
            raise OSError(f"planboard's temporary file gave {len(data)} of {size} bytes")
        return data

    @property
    def size(self) -> int:
        """Bytes in the file."""
        return self._size


def nameless_file() -> IO[bytes] | None:
    """A new file with no name, to write and read back (None: none could be made)."""
    return _open()


def _open() -> IO[bytes] | None:
    for folder in _folders():
        try:
            return tempfile.TemporaryFile(dir=folder, prefix=".planboard-spill-")
        except OSError:
            continue
    return None
