"""Consistent copies of a board file, written next to it.

A backup is taken with SQLite's online backup API (a consistent snapshot even while the
board is open), written to a temporary file, flushed to disk and then renamed into
place, so a crash never leaves a half-written backup under a backup's name. The newest
`KEEP` backups of a board are kept.

Names: `<board>.<label>.<YYYYmmdd-HHMMSS>.backup.db`, e.g.
`sample.2026-Q3-live.20261127-143012.backup.db`.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

SUFFIX = ".backup.db"
KEEP = 10  # backups kept per board; older ones go when a new one is written


def _label(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "backup"


def backup_path(board: Path, label: str, at: datetime | None = None) -> Path:
    """Where a new backup of `board` goes (a name no other file has)."""
    at = at or datetime.now(UTC)
    stamp = at.strftime("%Y%m%d-%H%M%S")
    candidate = board.with_name(f"{board.stem}.{_label(label)}.{stamp}{SUFFIX}")
    counter = 2
    while candidate.exists():  # two backups in the same second
        candidate = board.with_name(f"{board.stem}.{_label(label)}.{stamp}-{counter}{SUFFIX}")
        counter += 1
    return candidate


def _pattern(board: Path) -> re.Pattern[str]:
    return re.compile(
        rf"^{re.escape(board.stem)}\.([A-Za-z0-9_-]+)\.(\d{{8}}-\d{{6}})(-\d+)?{re.escape(SUFFIX)}$"
    )


def backups_of(board: Path) -> list[Path]:
    """The backups of a board file (beside it), oldest first."""
    pattern = _pattern(board)
    found = [p for p in board.parent.iterdir() if pattern.match(p.name) and p.is_file()]
    return sorted(found, key=lambda p: (pattern.match(p.name).group(2), p.name))  # type: ignore[union-attr]


def describe(board: Path, backup: Path) -> tuple[str, str]:
    """(label, "YYYY-mm-dd HH:MM:SS UTC") of one of a board's backups."""
    match = _pattern(board).match(backup.name)
    if match is None:
        return ("?", "?")
    stamp = datetime.strptime(match.group(2), "%Y%m%d-%H%M%S")
    return match.group(1), stamp.strftime("%Y-%m-%d %H:%M:%S UTC")


def board_mode(conn: sqlite3.Connection) -> int:
    """The permissions of the file behind a connection (0o644 if it can't be told)."""
    row = conn.execute("PRAGMA database_list").fetchone()
    try:
        return Path(row[2]).stat().st_mode & 0o777 if row and row[2] else 0o644
    except OSError:
        return 0o644


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
    """Copy the database behind `conn` to `dest`, atomically. Returns `dest`.

    `conn` must not be inside a write transaction (the backup reads through it).
    """
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
        with temporary.open("rb+") as stream:
            with contextlib.suppress(OSError):  # the backup reads like the board it copies
                os.fchmod(stream.fileno(), board_mode(conn))
            os.fsync(stream.fileno())
        os.replace(temporary, dest)
        _fsync_dir(dest.parent)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return dest


def backup_board(conn: sqlite3.Connection, board: Path, label: str) -> Path:
    """Write a new backup of `board` beside it, then keep only the newest `KEEP`."""
    written = write_backup(conn, backup_path(board, label))
    prune(board)
    return written


def prune(board: Path, keep: int = KEEP) -> list[Path]:
    """Remove all but the newest `keep` backups of a board. Returns what was removed."""
    removed = []
    for old in backups_of(board)[:-keep] if keep > 0 else []:
        try:
            old.unlink()
            removed.append(old)
        except OSError:
            pass
    return removed


def restore_into(board_conn: sqlite3.Connection, backup: Path) -> None:
    """Replace the board's content with a backup's, as one consistent copy (SQLite's
    backup API, so the open board's WAL stays right). Refuses a damaged backup."""
    source = sqlite3.connect(f"file:{backup.resolve()}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError(f"the backup {backup.name} is damaged")
        source.backup(board_conn)
    finally:
        source.close()
