"""Restoring a backup from an older planboard: the backup is upgraded before anything
of the board is replaced, so a backup that can't be upgraded, or a `kill -9` while it is,
leaves the board as it was (its content, schema and identity)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from planboard.core import PlanboardError, Store
from planboard.core.schema import SCHEMA_VERSION

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "schema-v4.db"


def state(path: Path) -> tuple[int, str, list[str]]:
    """The board's schema version, identity and item titles, read from the file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        identity = conn.execute("SELECT value FROM settings WHERE key = 'board_id'").fetchone()
        titles = [row[0] for row in conn.execute("SELECT title FROM items ORDER BY id")]
    finally:
        conn.close()
    return version, identity[0] if identity else "", titles


def board_and_old_backup(tmp_path: Path) -> tuple[Path, Path]:
    board = tmp_path / "board.db"
    store = Store.open(board, first_quarter="2026-Q3")
    store.add_item(store.default_quarter().id, None, "Only on the board")
    store.close()
    old = tmp_path / "old.db"
    shutil.copyfile(FIXTURE, old)
    return board, old


def test_a_backup_that_cannot_be_upgraded_leaves_the_board_as_it_was(tmp_path: Path) -> None:
    """Its content was put in the board first, then the upgrade stopped on a row: the
    board was the old backup at schema v4, refused by every command, while the message
    said "the board is as it was"; and the backup of the board made just before was
    not listed."""
    board, old = board_and_old_backup(tmp_path)
    conn = sqlite3.connect(old, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = 1")
    conn.execute("UPDATE items SET status = 'parked' WHERE id = (SELECT min(id) FROM items)")
    conn.close()
    before, names = state(board), sorted(os.listdir(tmp_path))
    store = Store.open(board)
    try:
        with pytest.raises(PlanboardError) as refused:
            store.restore(old)
        assert state(board) == before  # (read through the open board's file)
    finally:
        store.close()
    said = str(refused.value)
    assert "old.db" in said and "could not be upgraded" in said, said
    assert "Nothing was restored" in said and "schema v4" not in said, said
    assert state(board) == before and before[0] == SCHEMA_VERSION
    assert sorted(os.listdir(tmp_path)) == names  # (nothing left beside it)
    Store.open(board).close()  # (opens as before)


_KILLED_WHILE_UPGRADING = """
import os, signal, sys
from pathlib import Path
import planboard.core.db as db
import planboard.core.store.files as files
real = db.migrate
def killed(conn, path, *args, **kwargs):
    if conn.execute("PRAGMA user_version").fetchone()[0] < db.SCHEMA_VERSION:
        os.kill(os.getpid(), signal.SIGKILL)  # (as a kill -9 in the middle of it)
    return real(conn, path, *args, **kwargs)
db.migrate = killed
files.migrate = killed
from planboard.core import Store
store = Store.open(sys.argv[1])
store.restore(Path(sys.argv[2]))
"""


def test_a_kill_while_an_older_backup_is_upgraded_leaves_the_board_as_it_was(
    tmp_path: Path,
) -> None:
    """The backup's content was committed into the board, then upgraded, then given the
    board's identity, each a step of its own: a `kill -9` between them left the board at
    schema v4 without an identity, opened next as a new board, and its backups (the one
    made just before the restore too) refused as another board's."""
    board, old = board_and_old_backup(tmp_path)
    before = state(board)
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_WHILE_UPGRADING, str(board), str(old)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert killed.returncode == -9, killed.stderr
    assert state(board) == before
    left = [name for name in os.listdir(tmp_path) if "restoring" in name]
    assert left  # (the hidden copy the kill left: gone once the board is opened to write)
    store = Store.open(board)
    try:
        assert not [name for name in os.listdir(tmp_path) if "restoring" in name]
        store.restore(old)  # (the backup restored again, this time to the end)
    finally:
        store.close()
    version, identity, titles = state(board)
    assert (version, identity) == before[:2] and "Only on the board" not in titles
    assert not [name for name in os.listdir(tmp_path) if "partial" in name or "restoring" in name]


def test_restore_over_an_empty_file_leaves_it_empty(tmp_path: Path) -> None:
    """`planboard restore e.db other.db` with e.db empty made e.db a new board, then
    said "nothing was changed": every other command refuses an empty file untouched."""
    empty, other = tmp_path / "e.db", tmp_path / "other.db"
    empty.touch()
    Store.open(other, first_quarter="2026-Q3").close()
    done = subprocess.run(
        [sys.executable, "-m", "planboard", "restore", str(empty), str(other), "--yes"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "is empty, not a board" in done.stderr, done.stderr
    assert empty.read_bytes() == b""
