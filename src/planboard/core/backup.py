"""Consistent copies of a board file, written next to it.

A backup is taken with SQLite's online backup API (a consistent snapshot even while the
board is open), written to a temporary file, flushed to disk and then renamed into
place, so a crash never leaves a half-written backup under a backup's name.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

SUFFIX = ".backup.db"


def backup_path(board: Path, label: str, at: datetime | None = None) -> Path:
    """`board.db` -> `board.<label>.<YYYYmmdd-HHMMSS>.backup.db`, beside it."""
    at = at or datetime.now(UTC)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", label).strip("-") or "backup"
    stamp = at.strftime("%Y%m%d-%H%M%S")
    candidate = board.with_name(f"{board.stem}.{safe}.{stamp}{SUFFIX}")
    counter = 2
    while candidate.exists():  # two backups in the same second
        candidate = board.with_name(f"{board.stem}.{safe}.{stamp}-{counter}{SUFFIX}")
        counter += 1
    return candidate


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_backup(conn: sqlite3.Connection, dest: Path) -> Path:
    """Copy the database behind `conn` to `dest`, atomically. Returns `dest`."""
    handle, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        target = sqlite3.connect(temporary)
        try:
            conn.backup(target)
            # A backup is one self-contained file: no WAL beside it.
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        with temporary.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, dest)
        _fsync_dir(dest.parent)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return dest


def backups_of(board: Path) -> list[Path]:
    """The backups beside a board file, oldest first."""
    pattern = f"{board.stem}.*{SUFFIX}"
    return sorted(board.parent.glob(pattern), key=lambda p: (p.stat().st_mtime, p.name))
